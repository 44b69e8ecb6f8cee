"""Whether a grade reached the gradebook, and sending it again: the core's side of grade delivery.

Each home knows its own delivery: the LTI tool reads its AGS outbox, the XBlock
reads edx-submissions' score for the attempt. The core only asks the grade
sink (:class:`~.context.GradeSink`) for a small, already-safe view
(``{"state": "pending"|"delivered"|"failed", "reason", "attempt", "at"}``)
and, for ``resend_grade``, asks it to queue the latest decision once more.
The sink keeps "exactly once per (attempt, decision)": a resend re-queues that
same delivery, it never adds a second grade.
"""

from __future__ import annotations

from typing import Any

from .context import Context
from .errors import IllegalTransition
from .i18n import gettext_noop as _
from .store import LearnerRecord

STATES = ("pending", "delivered", "failed")
REASON_MAX_CHARS = 200


def latest_reviewed(record: LearnerRecord) -> dict[str, Any] | None:
    return next((a for a in reversed(record.attempts) if a.get("review")), None)


def delivery_view(ctx: Context, record: LearnerRecord) -> dict[str, Any] | None:
    """The last delivery's state for this learner, or None where the home delivers nothing."""
    view = ctx.grades.delivery_state(record)
    if view is None:
        return None
    state = view.get("state")
    return {"state": state if state in STATES else "pending",
            "reason": str(view.get("reason") or "")[:REASON_MAX_CHARS],
            "attempt": view.get("attempt"), "at": view.get("at")}


def resend(ctx: Context, record: LearnerRecord) -> None:
    """Queue the latest decision's grade again (refused when there is no decision to send)."""
    attempt = latest_reviewed(record)
    if attempt is None:
        raise IllegalTransition(_("There is no grade to send yet: review an attempt first."))
    ctx.grades.resend(record, attempt)
