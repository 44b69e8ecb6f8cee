"""The learner workflow as an explicit state machine.

::

    not_started -> chosen ----------------------------> submitted -> mastered
         |  ^         ^                                     |  ^
         v  |         | (approve)                           v  |
    proposal_pending -+ (redirect: back to not_started)   revise

Each function here is one command's transition on a :class:`LearnerRecord`.
It checks the current status against :data:`ALLOWED`, appends to the record's
history (choices, proposals, attempts, events) and never rewrites what is
already there: an attempt, once submitted, is only ever *added to* (its review).
"""

from __future__ import annotations

from typing import Any

from . import accommodations
from .activity import LEVELS, PROPOSAL_OPTION_ID, Activity, Option
from .errors import Conflict, IllegalTransition, PastDue, ValidationError
from .evidence import evidence_is_empty
from .i18n import gettext_noop as _
from .store import LearnerRecord

STATUSES = ("not_started", "chosen", "proposal_pending", "submitted", "revise", "mastered")
DECISIONS = ("mastered", "revise")

# command -> statuses it may start from
ALLOWED = {
    "choose": {"not_started", "chosen", "proposal_pending"},
    "propose": {"not_started", "chosen", "proposal_pending"},
    "decide_proposal": {"proposal_pending"},
    "save_draft": {"chosen", "revise"},
    "self_assess": {"chosen", "revise"},
    "submit": {"chosen", "revise"},
    "review": {"submitted"},
}

_REFUSALS = {
    "choose": _("Your choice is fixed once you have submitted evidence."),
    "propose": _("You can propose your own way only before your first submission."),
    "decide_proposal": _("This learner has no proposal waiting for a decision."),
    "save_draft": _("Choose how you will show your learning before adding evidence."),
    "self_assess": _("Choose how you will show your learning before assessing your work."),
    "submit": _("There is nothing to submit right now: choose an option first, or wait for feedback."),
    "review": _("This learner has no submission waiting for review."),
}


def check(command: str, record: LearnerRecord) -> None:
    if record.status not in ALLOWED[command]:
        raise IllegalTransition(_REFUSALS[command])


def proposal_option(record: LearnerRecord) -> Option | None:
    proposal = record.proposal
    if proposal and proposal["status"] == "approved":
        return Option(id=PROPOSAL_OPTION_ID, title=proposal["title"], guidance=proposal["plan"],
                      evidence_kinds=("text", "link", "file", "audio", "video"))
    return None


def current_option(activity: Activity, record: LearnerRecord) -> Option | None:
    if record.option_id == PROPOSAL_OPTION_ID:
        return proposal_option(record)
    return activity.option(record.option_id) if record.option_id else None


def attempts_since_reset(record: LearnerRecord) -> list[dict[str, Any]]:
    """Attempts that count now: a staff reset starts the count again (earlier ones stay on record)."""
    kept = max((e.get("attempts_before", 0) for e in record.events if e["type"] == "reset"), default=0)
    return record.attempts[kept:]


def revisions_left(activity: Activity, record: LearnerRecord) -> int:
    used = max(len(attempts_since_reset(record)) - 1, 0)
    return max(accommodations.revision_limit(activity, record) - used, 0)


def _event(record: LearnerRecord, now: str, kind: str, activity: Activity, **data: Any) -> None:
    record.events.append({"type": kind, "at": now, "activity_key": record.activity_key,
                          "activity_title": activity.title, **data})


def choose(record: LearnerRecord, activity: Activity, option_id: Any, now: str) -> None:
    check("choose", record)
    if not isinstance(option_id, str) or (option := activity.option(option_id)) is None:
        raise ValidationError(_("Pick one of the options offered."), field="option_id")
    if record.option_id == option_id:
        return
    if record.status != "not_started" and not activity.policies.allow_change_until_submit:
        raise IllegalTransition(_("This activity does not allow changing your choice."))
    if record.status == "proposal_pending":
        record.proposals[-1] = {**record.proposals[-1], "status": "withdrawn", "decided_at": now}
    record.option_id = option_id
    record.status = "chosen"
    record.choices.append({"option_id": option_id, "title": option.title, "at": now})
    _event(record, now, "chose", activity, option_id=option_id, option_title=option.title)


def propose(record: LearnerRecord, activity: Activity, title: str, plan: str, now: str) -> None:
    check("propose", record)
    if not activity.allow_proposals:
        raise IllegalTransition(_("This activity does not take proposals; choose one of the options."))
    if record.status != "not_started" and not activity.policies.allow_change_until_submit:
        raise IllegalTransition(_("This activity does not allow changing your choice."))
    if record.status == "proposal_pending":
        record.proposals[-1] = {**record.proposals[-1], "status": "withdrawn", "decided_at": now}
    record.proposals.append({"title": title, "plan": plan, "status": "pending", "note": "",
                             "at": now, "decided_at": None, "decided_by": None})
    record.status = "proposal_pending"
    record.option_id = None
    record.draft = None
    _event(record, now, "proposed", activity, title=title)


def decide_proposal(record: LearnerRecord, activity: Activity, decision: str, note: str,
                    reviewer_id: str, now: str) -> None:
    check("decide_proposal", record)
    if decision not in ("approve", "redirect"):
        raise ValidationError(_("Decide 'approve' or 'redirect'."), field="decision")
    if decision == "redirect" and not note.strip():
        raise ValidationError(_("Tell the learner why, and which option might suit them."), field="note")
    status = "approved" if decision == "approve" else "redirected"
    record.proposals[-1] = {**record.proposals[-1], "status": status, "note": note,
                            "decided_at": now, "decided_by": reviewer_id}
    if decision == "approve":
        record.status, record.option_id = "chosen", PROPOSAL_OPTION_ID
        record.choices.append({"option_id": PROPOSAL_OPTION_ID, "title": record.proposals[-1]["title"], "at": now})
        _event(record, now, "proposal_approved", activity, title=record.proposals[-1]["title"])
    else:
        record.status, record.option_id = "not_started", None
        _event(record, now, "proposal_redirected", activity, title=record.proposals[-1]["title"])


def save_draft(record: LearnerRecord, evidence: dict[str, Any], now: str) -> None:
    check("save_draft", record)
    previous = record.draft or {}
    record.draft = {**evidence, "self_assessment": previous.get("self_assessment"), "saved_at": now}


def normalize_ratings(activity: Activity, ratings: Any, *, field: str = "ratings") -> dict[str, str]:
    """Every criterion rated with a known level; nothing else."""
    if not isinstance(ratings, dict):
        raise ValidationError(_("Rate each success criterion."), field=field)
    unknown = [key for key in ratings if key not in activity.criterion_ids]
    if unknown:
        raise ValidationError(_("Unknown criterion: %(id)s."), field=field, id=str(unknown[0])[:40])
    missing = [c.title for c in activity.criteria if ratings.get(c.id) not in LEVELS]
    if missing:
        raise ValidationError(_("Rate every criterion (not yet, meets or exceeds): %(missing)s."),
                              field=field, missing=", ".join(missing))
    return {c.id: ratings[c.id] for c in activity.criteria}


def self_assess(record: LearnerRecord, activity: Activity, ratings: dict[str, str], comment: str,
                now: str) -> None:
    check("self_assess", record)
    draft = record.draft or {"text": "", "links": [], "files": [], "saved_at": None}
    record.draft = {**draft, "self_assessment": {"ratings": ratings, "comment": comment, "at": now}}


def submit(record: LearnerRecord, activity: Activity, evidence: dict[str, Any], now: str,
           past_due: bool) -> dict[str, Any]:
    check("submit", record)
    if past_due:
        raise PastDue()
    if record.status == "revise" and revisions_left(activity, record) <= 0:
        raise IllegalTransition(_("You have used all %(count)d revisions for this activity."),
                                count=accommodations.revision_limit(activity, record))
    if evidence_is_empty(evidence):
        raise ValidationError(_("Add your evidence (text, a link or a file) before submitting."), field="text")
    self_assessment = (record.draft or {}).get("self_assessment")
    if self_assessment is None and activity.policies.self_assessment == "required":
        raise ValidationError(_("Assess your own work against the success criteria before submitting."),
                              field="ratings")
    option = current_option(activity, record)
    attempt = {
        "number": len(record.attempts) + 1,
        "option_id": record.option_id,
        "option_title": option.title if option else "",
        # the rubric snapshot: this attempt and its review read as given, whatever the author edits later
        "criteria": [{"id": c.id, "title": c.title, "description": c.description} for c in activity.criteria],
        "option": ({"id": option.id, "title": option.title, "guidance": option.guidance,
                    "evidence_kinds": list(option.evidence_kinds)} if option else None),
        "evidence": evidence,
        "self_assessment": self_assessment,
        "submitted_at": now,
        "review": None,
    }
    record.attempts.append(attempt)
    record.draft = None
    record.status = "submitted"
    record.submitted_at = now
    _event(record, now, "submitted", activity, attempt=attempt["number"], option_title=attempt["option_title"])
    return attempt


def review(record: LearnerRecord, activity: Activity, attempt_number: Any, ratings: dict[str, str],
           feedback: str, decision: str, reviewer_id: str, now: str,
           extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Add the review to the latest attempt; ``extra`` (comments, media: :mod:`.feedback`) joins it."""
    latest = record.latest_attempt
    if latest and attempt_number == latest["number"] and latest["review"] is not None:
        raise Conflict(_("Attempt %(number)d has already been reviewed."), number=latest["number"])
    check("review", record)
    if attempt_number != latest["number"]:
        raise ValidationError(_("Only the latest attempt (%(number)d) can be reviewed."), field="attempt",
                              number=latest["number"])
    if decision not in DECISIONS:
        raise ValidationError(_("Decide 'mastered' or 'revise'."), field="decision")
    if decision == "revise" and not feedback.strip():
        raise ValidationError(_("Say what to improve when asking for a revision."), field="feedback")
    reviewed = {**latest, "review": {"ratings": ratings, "feedback": feedback, "decision": decision,
                                     "at": now, "reviewer_id": reviewer_id, **(extra or {})}}
    record.attempts[-1] = reviewed
    record.status = decision
    _event(record, now, "reviewed", activity, attempt=latest["number"], decision=decision)
    return reviewed


def reset(record: LearnerRecord, now: str) -> None:
    """Staff reset (Open edX Instructor Dashboard, "reset attempts"): the learner starts over.

    Nothing is deleted: earlier attempts, reviews and choices stay in the
    history and the export; the learner may choose again and has a full set
    of revisions. A record that is already fresh is left as it is.
    """
    if record.status == "not_started" and not attempts_since_reset(record):
        return
    title = next((e.get("activity_title", "") for e in reversed(record.events)), "")
    if record.status == "proposal_pending":
        record.proposals[-1] = {**record.proposals[-1], "status": "withdrawn", "decided_at": now}
    record.events.append({"type": "reset", "at": now, "activity_key": record.activity_key,
                          "activity_title": title, "attempts_before": len(record.attempts)})
    record.status, record.option_id, record.draft = "not_started", None, None


def score_for(activity: Activity, decision: str) -> float:
    """Mastery grading: the score follows the decision, not an average of ratings."""
    return activity.policies.points if decision == "mastered" else 0.0
