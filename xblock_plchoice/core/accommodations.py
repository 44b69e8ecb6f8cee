"""Accommodations: one learner's own due date and extra revisions, and the one place that reads them.

Every check that reads a due date or a revision limit (submitting, the learner's
``can.submit``, the queue's ``revisions_left``) asks :func:`effective_due` or
:func:`revision_limit`, so an accommodation can never be honoured in one place
and forgotten in another. The base due date comes from :func:`_base_due` alone:
today the activity's policy; a platform's inherited due date (Open edX
``due`` + grace period) plugs in there and an accommodation still overrides it.

Accommodations are appended, never edited (``record.accommodations``); the
last one applies, so the history of who granted what stays on record.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .activity import Activity, parse_datetime
from .errors import ValidationError
from .i18n import gettext_noop as _
from .store import LearnerRecord

if TYPE_CHECKING:
    from .context import Context

MAX_EXTRA_REVISIONS = 20


def current(record: LearnerRecord | None) -> dict[str, Any] | None:
    """The accommodation in force for this record, or None."""
    if record is None or not record.accommodations:
        return None
    latest = record.accommodations[-1]
    if latest.get("due") is None and not latest.get("extra_revisions"):
        return None  # a cleared accommodation
    return latest


def _base_due(activity: Activity, ctx: Context | None) -> datetime | None:
    """The due date before any accommodation: the activity policy's (the one hook for a platform's due)."""
    return activity.policies.due_at()


def effective_due(activity: Activity, record: LearnerRecord | None, ctx: Context | None = None) -> datetime | None:
    """The learner's due date: their accommodation's if it sets one, else the base due date."""
    granted = current(record)
    if granted and granted.get("due"):
        return parse_datetime(granted["due"])
    return _base_due(activity, ctx)


def is_past_due(ctx: Context, record: LearnerRecord | None) -> bool:
    due = effective_due(ctx.activity, record, ctx)
    return bool(due and ctx.now() > due)


def revision_limit(activity: Activity, record: LearnerRecord | None) -> int:
    """The activity's revisions plus the learner's extra ones."""
    granted = current(record)
    return activity.policies.max_revisions + int((granted or {}).get("extra_revisions", 0))


def read_due(payload: dict[str, Any]) -> str | None:
    """``due``: an ISO 8601 date-time (a zone is assumed UTC when missing), or null to fall back to the base."""
    value = payload.get("due")
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationError(_("Give the due date as an ISO 8601 date and time, or null."), field="due")
    try:
        return parse_datetime(value).isoformat()
    except ValueError as error:
        raise ValidationError(_("Give the due date as an ISO 8601 date and time, or null."), field="due") from error


def accommodate(record: LearnerRecord, activity: Activity, due: str | None, extra_revisions: int,
                staff_id: str, now: str) -> None:
    """Append an accommodation (same values as the one in force: nothing changes)."""
    granted = current(record) or {}
    if granted.get("due") == due and int(granted.get("extra_revisions", 0)) == extra_revisions:
        return
    record.accommodations.append({"due": due, "extra_revisions": extra_revisions, "by": staff_id, "at": now})
    record.events.append({"type": "accommodated", "at": now, "activity_key": record.activity_key,
                          "activity_title": activity.title, "due": due, "extra_revisions": extra_revisions})


def view(record: LearnerRecord | None) -> dict[str, Any] | None:
    granted = current(record)
    if granted is None:
        return None
    return {"due": granted.get("due"), "extra_revisions": int(granted.get("extra_revisions", 0)),
            "at": granted["at"]}
