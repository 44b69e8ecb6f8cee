"""The activity definition: what an author sets up, validated once for both homes.

An activity is either a *choice* activity (``plchoice``: an objective, shared
success criteria, 2-5 options, optional proposals) or a *reflection* activity
(``plreflection``: prompts by phase only). Definitions travel as plain dicts
(Studio's editor, OLX, the LTI deep-linking form all produce the same dict) and
:func:`parse_activity` turns one into frozen dataclasses or raises a
:class:`ValidationError` listing every problem, so an author can fix them all at once.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import ValidationError
from .i18n import gettext_noop as _

KINDS = ("choice", "reflection")
LEVELS = ("not_yet", "meets", "exceeds")
LEVEL_SCORE = {"not_yet": 0, "meets": 1, "exceeds": 2}
EVIDENCE_KINDS = ("text", "link", "file", "audio", "video")
PHASES = ("before", "after")
SELF_ASSESSMENT = ("required", "optional")
PROPOSAL_OPTION_ID = "proposal"

MIN_OPTIONS, MAX_OPTIONS = 2, 5
MAX_CRITERIA = 12
MAX_PROMPTS = 10
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_TEXT_LIMITS = {"title": 200, "objective": 2000, "description": 2000, "guidance": 4000,
                "exemplar": 4000, "time_estimate": 60, "text": 1000}


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Option:
    id: str
    title: str
    guidance: str = ""
    evidence_kinds: tuple[str, ...] = ("text",)
    exemplar: str = ""
    time_estimate: str = ""


@dataclass(frozen=True)
class Prompt:
    id: str
    phase: str
    text: str


@dataclass(frozen=True)
class Policies:
    allow_change_until_submit: bool = True
    max_revisions: int = 3
    due: str | None = None  # ISO 8601 with a time zone
    self_assessment: str = "required"
    points: float = 10.0

    def due_at(self) -> datetime | None:
        return parse_datetime(self.due) if self.due else None


@dataclass(frozen=True)
class Activity:
    kind: str
    title: str
    objective: str = ""
    criteria: tuple[Criterion, ...] = ()
    options: tuple[Option, ...] = ()
    allow_proposals: bool = False
    prompts: tuple[Prompt, ...] = ()
    policies: Policies = field(default_factory=Policies)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def prompts_for(self, phase: str) -> tuple[Prompt, ...]:
        return tuple(p for p in self.prompts if p.phase == phase)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for option in data["options"]:
            option["evidence_kinds"] = list(option["evidence_kinds"])
        for key in ("criteria", "options", "prompts"):
            data[key] = list(data[key])
        return data


def parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


class _Problems:
    """Collects every problem before raising, so authors see them all at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, field_path: str, message: str, **params: Any) -> None:
        self.items.append({"field": field_path, "message": message, "params": params or None})

    def text(self, data: dict, key: str, path: str, *, required: bool = False,
             limit_key: str | None = None, missing: str = "") -> str:
        """The stripped text at ``key``; ``missing`` says what to fill when a required one is empty."""
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(path, _("Must be text."))
            return ""
        value = value.strip()
        limit = _TEXT_LIMITS[limit_key or key]
        if required and not value:
            self.add(path, missing or _("This field is required."))
        if len(value) > limit:
            self.add(path, _("Keep this under %(limit)d characters."), limit=limit)
        return value

    def ident(self, data: dict, path: str, seen: set[str]) -> str:
        value = data.get("id")
        if not isinstance(value, str) or not _ID.match(value):
            self.add(path, _("Use 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit."))
            return str(value or "")
        if value in seen:
            self.add(path, _("The id %(id)s is used twice."), id=value)
        seen.add(value)
        return value


def _list(data: dict, key: str, problems: _Problems) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        problems.add(key, _("Must be a list."))
        return []
    return value


def _parse_criteria(data: dict, problems: _Problems) -> tuple[Criterion, ...]:
    seen: set[str] = set()
    out = []
    raw = _list(data, "criteria", problems)
    if len(raw) > MAX_CRITERIA:
        problems.add("criteria", _("Use at most %(max)d criteria."), max=MAX_CRITERIA)
    for i, item in enumerate(raw):
        path = f"criteria[{i}]"
        if not isinstance(item, dict):
            problems.add(path, _("Must be an object."))
            continue
        out.append(Criterion(
            id=problems.ident(item, f"{path}.id", seen),
            title=problems.text(item, "title", f"{path}.title", required=True,
                                missing=_("Name this success criterion.")),
            description=problems.text(item, "description", f"{path}.description"),
        ))
    return tuple(out)


def _parse_options(data: dict, problems: _Problems) -> tuple[Option, ...]:
    seen: set[str] = {PROPOSAL_OPTION_ID}
    out = []
    for i, item in enumerate(_list(data, "options", problems)):
        path = f"options[{i}]"
        if not isinstance(item, dict):
            problems.add(path, _("Must be an object."))
            continue
        kinds = item.get("evidence_kinds") or ["text"]
        if isinstance(kinds, str):
            kinds = [k.strip() for k in kinds.split(",") if k.strip()]
        if not isinstance(kinds, list) or not kinds or any(k not in EVIDENCE_KINDS for k in kinds):
            problems.add(f"{path}.evidence_kinds", _("Choose evidence kinds among: %(kinds)s."),
                         kinds=", ".join(EVIDENCE_KINDS))
            kinds = [k for k in kinds if k in EVIDENCE_KINDS] if isinstance(kinds, list) else ["text"]
        out.append(Option(
            id=problems.ident(item, f"{path}.id", seen),
            title=problems.text(item, "title", f"{path}.title", required=True,
                                missing=_("Give this way of showing it a title.")),
            guidance=problems.text(item, "guidance", f"{path}.guidance"),
            evidence_kinds=tuple(dict.fromkeys(kinds)),
            exemplar=problems.text(item, "exemplar", f"{path}.exemplar"),
            time_estimate=problems.text(item, "time_estimate", f"{path}.time_estimate"),
        ))
    return tuple(out)


def _parse_prompts(data: dict, problems: _Problems) -> tuple[Prompt, ...]:
    seen: set[str] = set()
    out = []
    raw = _list(data, "prompts", problems)
    if len(raw) > MAX_PROMPTS:
        problems.add("prompts", _("Use at most %(max)d prompts."), max=MAX_PROMPTS)
    for i, item in enumerate(raw):
        path = f"prompts[{i}]"
        if not isinstance(item, dict):
            problems.add(path, _("Must be an object."))
            continue
        phase = item.get("phase")
        if phase not in PHASES:
            problems.add(f"{path}.phase", _("The phase must be 'before' or 'after'."))
        out.append(Prompt(id=problems.ident(item, f"{path}.id", seen), phase=str(phase),
                          text=problems.text(item, "text", f"{path}.text", required=True,
                                             missing=_("Write the question, or remove this prompt."))))
    return tuple(out)


def _parse_policies(data: dict, problems: _Problems) -> Policies:
    raw = data.get("policies") or {}
    if not isinstance(raw, dict):
        problems.add("policies", _("Must be an object."))
        raw = {}
    defaults = Policies()
    max_revisions = raw.get("max_revisions", defaults.max_revisions)
    if isinstance(max_revisions, bool) or not isinstance(max_revisions, int) or not 0 <= max_revisions <= 20:
        problems.add("policies.max_revisions", _("Use a whole number from 0 to 20."))
        max_revisions = defaults.max_revisions
    points = raw.get("points", defaults.points)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 < points <= 1000:
        problems.add("policies.points", _("Points must be a number above 0 and at most 1000."))
        points = defaults.points
    due = raw.get("due") or None
    if due is not None:
        try:
            due = parse_datetime(str(due)).isoformat()
        except ValueError:
            problems.add("policies.due", _("Use a date and time such as 2027-05-31T23:59:00+00:00."))
            due = None
    self_assessment = raw.get("self_assessment", defaults.self_assessment)
    if self_assessment not in SELF_ASSESSMENT:
        problems.add("policies.self_assessment", _("Choose 'required' or 'optional'."))
        self_assessment = defaults.self_assessment
    return Policies(
        allow_change_until_submit=bool(raw.get("allow_change_until_submit", True)),
        max_revisions=max_revisions, due=due, self_assessment=self_assessment, points=float(points),
    )


def parse_activity(data: Any) -> Activity:
    """Validate an activity definition dict; raise :class:`ValidationError` with every problem."""
    if not isinstance(data, dict):
        raise ValidationError(_("The activity definition must be an object."))
    problems = _Problems()
    kind = data.get("kind", "choice")
    if kind not in KINDS:
        problems.add("kind", _("The kind must be 'choice' or 'reflection'."))
        kind = "choice"
    activity = Activity(
        kind=kind,
        title=problems.text(data, "title", "title", required=True, missing=_("Give the activity a title.")),
        objective=problems.text(data, "objective", "objective", required=kind == "choice",
                                missing=_("Write the learning goal: what learners should be able to show.")),
        criteria=_parse_criteria(data, problems),
        options=_parse_options(data, problems),
        allow_proposals=bool(data.get("allow_proposals", False)),
        prompts=_parse_prompts(data, problems),
        policies=_parse_policies(data, problems),
    )
    if kind == "choice":
        if not activity.criteria:
            problems.add("criteria", _("Add at least one success criterion."))
        if not MIN_OPTIONS <= len(activity.options) <= MAX_OPTIONS:
            problems.add("options", _("Offer between %(min)d and %(max)d ways to show it."),
                         min=MIN_OPTIONS, max=MAX_OPTIONS)
    elif not activity.prompts:
        problems.add("prompts", _("Add at least one reflection prompt."))
    if problems.items:
        raise ValidationError(_("The activity needs changes before it can be saved."),
                              problems=problems.items)
    return activity


def default_choice_definition() -> dict[str, Any]:
    """A ready-to-use example, so a new block is useful before it is edited."""
    return {
        "kind": "choice",
        "title": "Show what you know: photosynthesis",
        "objective": "Explain how plants turn light into chemical energy.",
        "criteria": [
            {"id": "accuracy", "title": "Accurate science",
             "description": "Inputs, outputs and the role of light are correct."},
            {"id": "clarity", "title": "Clear explanation",
             "description": "Someone new to the topic could follow it."},
            {"id": "evidence", "title": "Uses evidence",
             "description": "Refers to an observation, diagram or data."},
        ],
        "options": [
            {"id": "write", "title": "Write an explanation",
             "guidance": "400-800 words; include one labelled diagram if it helps.",
             "evidence_kinds": ["text", "file"], "time_estimate": "45 min"},
            {"id": "record", "title": "Record a short talk",
             "guidance": "2-4 minutes of audio or video, as if teaching a friend.",
             "evidence_kinds": ["audio", "video", "file"], "time_estimate": "30 min"},
            {"id": "build", "title": "Build a model or infographic",
             "guidance": "Upload a photo or file and a short caption for each part.",
             "evidence_kinds": ["file", "link", "text"], "time_estimate": "60 min"},
        ],
        "allow_proposals": True,
        "prompts": [
            {"id": "goal", "phase": "before", "text": "What is your goal for this task?"},
            {"id": "plan", "phase": "before", "text": "How will you go about it?"},
            {"id": "confidence", "phase": "before", "text": "How confident are you, and why?"},
            {"id": "worked", "phase": "after", "text": "What worked well for you?"},
            {"id": "next", "phase": "after", "text": "What will you do differently next time?"},
        ],
        "policies": {"allow_change_until_submit": True, "max_revisions": 3, "due": None,
                     "self_assessment": "required", "points": 10},
    }


def default_reflection_definition() -> dict[str, Any]:
    return {
        "kind": "reflection",
        "title": "Reflect on your learning",
        "prompts": [
            {"id": "goal", "phase": "before", "text": "What do you want to get better at this week?"},
            {"id": "strategy", "phase": "before", "text": "Which strategy will you try?"},
            {"id": "learned", "phase": "after", "text": "What did you learn about how you learn?"},
            {"id": "next", "phase": "after", "text": "What is your next step?"},
        ],
    }
