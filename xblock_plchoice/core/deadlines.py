"""Which due date applies to an activity, and why: the activity's own, or the platform's.

Open edX authors set due dates on the subsection; every block inherits ``due``
and ``graceperiod`` from it, and instructors' per-learner extensions are
applied to that inherited field. The XBlock home passes ``due + graceperiod``
as ``ctx.platform_due``. An activity may also carry its own due date
(``policies.due``), the only source in the LTI home. When both exist the
earlier applies: the activity's date can tighten the course's, never loosen it.

Every past-due check and every view reads the due date from here, so the rule
has one home (per-learner accommodations build on :func:`base_due`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .activity import Activity
from .context import Context

SOURCE_ACTIVITY = "activity"
SOURCE_PLATFORM = "platform"


@dataclass(frozen=True)
class DueDate:
    """The due date that applies (``at``), where it came from, and the other one when both exist."""

    at: datetime | None
    source: str | None  # SOURCE_ACTIVITY, SOURCE_PLATFORM, or None without a due date
    overridden: datetime | None = None  # the later of two due dates, which does not apply

    def to_view(self) -> dict[str, str | None]:
        """The JSON shape of ``me.due`` and the author summary."""
        return {"at": _iso(self.at), "source": self.source, "overridden": _iso(self.overridden)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def resolve(activity: Activity, ctx: Context) -> DueDate:
    """The earlier of the activity's policy due date and ``ctx.platform_due``, with its source."""
    own = activity.policies.due_at()
    platform = ctx.platform_due
    if own is None and platform is None:
        return DueDate(None, None)
    if platform is None:
        return DueDate(own, SOURCE_ACTIVITY)
    if own is None:
        return DueDate(platform, SOURCE_PLATFORM)
    if own <= platform:
        return DueDate(own, SOURCE_ACTIVITY, overridden=platform)
    return DueDate(platform, SOURCE_PLATFORM, overridden=own)


def base_due(activity: Activity, ctx: Context) -> datetime | None:
    """The due date that applies to every learner, before any per-learner accommodation."""
    return resolve(activity, ctx).at


def is_past_due(activity: Activity, ctx: Context, due: datetime | None = None) -> bool:
    """True once the clock has passed ``due`` (by default :func:`base_due`)."""
    due = base_due(activity, ctx) if due is None else due
    return bool(due and ctx.now() > due)
