"""Learner reflection, the learning log and the learner-owned profile.

Prompts follow Zimmerman's cycle: ``before`` the work (forethought: goal, plan,
confidence) and ``after`` feedback (self-reflection: what worked, what next).
Each answer is a new entry, so a learner's thinking over time stays visible to
them; staff see an entry only if the learner ticked "share with staff".

The profile records strengths, interests, goals and supports in the learner's
own words. It is deliberately *not* a "learning style": matching instruction to
styles does not improve learning, so nothing here classifies learners.
"""

from __future__ import annotations

from typing import Any

from .activity import PHASES
from .context import Actor, Context
from .errors import IllegalTransition, ValidationError
from .i18n import gettext_noop as _
from .store import LearnerRecord

PROFILE_FIELDS = ("strengths", "interests", "goals", "supports")


def _text(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("This answer must be text."), field=field)
    value = value.replace("\r\n", "\n").replace("\x00", "").strip()
    if len(value) > limit:
        raise ValidationError(_("Keep this under %(max)d characters."), field=field, max=limit)
    return value


def reflect(actor: Actor, ctx: Context, payload: dict[str, Any],
            record: LearnerRecord | None) -> dict[str, Any]:
    """Validate and build one reflection entry (the caller stores it)."""
    phase = payload.get("phase")
    if phase not in PHASES:
        raise ValidationError(_("The phase must be 'before' or 'after'."), field="phase")
    prompts = ctx.activity.prompts_for(phase)
    if not prompts:
        raise ValidationError(_("This activity has no prompts for that phase."), field="phase")
    answers_in = payload.get("answers")
    if not isinstance(answers_in, dict):
        raise ValidationError(_("Answers must map prompt ids to text."), field="answers")
    known = {p.id for p in prompts}
    unknown = [k for k in answers_in if k not in known]
    if unknown:
        raise ValidationError(_("Unknown prompt: %(id)s."), field="answers", id=str(unknown[0])[:40])
    answers = {p.id: _text(answers_in.get(p.id), f"answers.{p.id}", ctx.limits.reflection_max_chars)
               for p in prompts}
    if not any(answers.values()):
        raise ValidationError(_("Write an answer to at least one prompt."), field="answers")
    if (phase == "after" and ctx.activity.kind == "choice"
            and not any(a.get("review") for a in (record.attempts if record else []))):
        raise IllegalTransition(_("The 'after' reflection opens once you have feedback on your work."))
    return {
        "id": ctx.new_id(),
        "course_key": ctx.course_key,
        "activity_key": ctx.activity_key,
        "activity_title": ctx.activity.title,
        "learner_id": actor.user_id,
        # The name at the time of writing: a reflection block keeps no learner record to look it up in.
        "display_name": actor.display_name,
        "phase": phase,
        "prompts": {p.id: p.text for p in prompts},
        "answers": answers,
        "share_with_staff": bool(payload.get("share_with_staff", False)),
        "at": ctx.now_iso(),
    }


def latest_by_phase(entries: list[dict[str, Any]], activity_key: str) -> dict[str, dict[str, Any] | None]:
    latest: dict[str, dict[str, Any] | None] = dict.fromkeys(PHASES)
    for entry in entries:
        if entry["activity_key"] == activity_key:
            latest[entry["phase"]] = {"answers": entry["answers"], "share_with_staff": entry["share_with_staff"],
                                      "at": entry["at"]}
    return latest


def profile_update(ctx: Context, payload: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    profile = dict(current or {})
    for field in PROFILE_FIELDS:
        if field in payload:
            profile[field] = _text(payload[field], field, ctx.limits.profile_field_max_chars)
    if "share_with_staff" in payload:
        profile["share_with_staff"] = bool(payload["share_with_staff"])
    unknown = [k for k in payload if k not in (*PROFILE_FIELDS, "share_with_staff")]
    if unknown:
        raise ValidationError(_("Unknown profile field: %(name)s."), field=str(unknown[0])[:40],
                              name=str(unknown[0])[:40])
    profile["updated_at"] = ctx.now_iso()
    return profile


def profile_view(profile: dict[str, Any] | None) -> dict[str, Any]:
    profile = profile or {}
    view = {field: profile.get(field, "") for field in PROFILE_FIELDS}
    view["share_with_staff"] = bool(profile.get("share_with_staff", False))
    view["updated_at"] = profile.get("updated_at")
    return view


def learning_log(ctx: Context, learner_id: str,
                 records: list[LearnerRecord] | None = None) -> list[dict[str, Any]]:
    """The learner's reflections, choice/outcome events and feedback replies across the course, in time order.

    ``records`` are the learner's records in this course when the caller has loaded them already.
    """
    entries: list[dict[str, Any]] = []
    from .feedback import log_entries
    from .grading_queue import STAFF_EVENTS

    if records is None:
        records = ctx.store.records_for_learner(learner_id, ctx.course_key)
    for record in records:
        entries.extend({"kind": "event", **event} for event in record.events if event["type"] not in STAFF_EVENTS)
        title = next((e.get("activity_title", "") for e in reversed(record.events) if e.get("activity_title")), "")
        entries.extend(log_entries(record, title))
    for entry in ctx.store.list_reflections(ctx.course_key, learner_id):
        entries.append({"kind": "reflection", "type": f"reflection_{entry['phase']}", "at": entry["at"],
                        "activity_key": entry["activity_key"], "activity_title": entry["activity_title"],
                        "phase": entry["phase"], "prompts": entry.get("prompts", {}),
                        "answers": entry["answers"], "share_with_staff": entry["share_with_staff"]})
    entries.sort(key=lambda e: e["at"])
    return entries


def ordered_answers(ctx: Context, entry: dict[str, Any]) -> list[dict[str, str]]:
    """``[{prompt_id, prompt, answer}]`` in the activity's authored order; prompts since removed come last.

    The prompt text is the one the learner answered (kept in the entry), not today's wording.
    """
    answers = entry.get("answers") or {}
    texts = entry.get("prompts") or {}
    authored = [p.id for p in ctx.activity.prompts_for(entry.get("phase", ""))]
    order = [k for k in authored if k in answers] + [k for k in answers if k not in authored]
    return [{"prompt_id": k, "prompt": texts.get(k, k), "answer": answers[k]} for k in order if answers[k]]


def shared_with_staff(ctx: Context, learner_id: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """What staff reviewing this learner may see: shared reflections on this activity, a shared profile."""
    reflections = [
        {"phase": e["phase"], "prompts": e.get("prompts", {}), "answers": e["answers"], "at": e["at"],
         "ordered": ordered_answers(ctx, e)}
        for e in ctx.store.list_reflections(ctx.course_key, learner_id)
        if e["share_with_staff"] and e["activity_key"] == ctx.activity_key
    ]
    profile = ctx.store.get_profile(ctx.course_key, learner_id)
    return reflections, (profile_view(profile) if profile and profile.get("share_with_staff") else None)
