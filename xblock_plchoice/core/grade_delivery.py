"""Whether a grade reached the gradebook, and sending it again: the core's side of grade delivery.

Each home knows its own delivery: the LTI tool reads its AGS outbox, the XBlock
reads edx-submissions' score for the attempt. The core only asks the grade
sink (:class:`~.context.GradeSink`) for a small, already-safe view
(``{"state": "pending"|"delivered"|"failed", "reason": code, "attempt", "at"}``; the code
becomes a plain sentence from :data:`REASONS` here, so no remote text ever reaches a view)
and, for ``resend_grade``, asks it to queue the latest decision once more.
The sink keeps "exactly once per (attempt, decision)": a resend re-queues that
same delivery, it never adds a second grade.
"""

from __future__ import annotations

from typing import Any

from . import workflow
from .context import Context
from .errors import IllegalTransition
from .i18n import gettext_noop as _
from .store import LearnerRecord

STATES = ("pending", "delivered", "failed")

#: What a sink may report, in plain words (English msgids: the front end shows ``t(reason)``). A sink gives
#: a code, never the platform's answer: a remote body can hold anything, including script or a stack trace.
REASONS = {
    "queued": _("Waiting to be sent to the gradebook."),
    "delivered": _("The gradebook has this grade."),
    "unreachable": _("The platform could not be reached; the tool will try again."),
    "busy": _("The platform was busy or had an error; the tool will try again."),
    "token": _("The platform refused the tool's access token; the tool will try again."),
    "registration": _("This platform's registration was removed from the tool; sending is paused."),
    "refused": _("The platform refused the grade. Check that the assignment still exists in the gradebook, "
                 "then resend."),
    "gave_up": _("Sending stopped after too many failed tries. Resend when the platform is back."),
    "recorded": _("Open edX has the score for this attempt."),
    "no_score": _("A revision request sends no score: the learner is still working."),
    "missing": _("Open edX has no score for this attempt yet. Resend it."),
}


def latest_reviewed(record: LearnerRecord) -> dict[str, Any] | None:
    return next((a for a in reversed(record.attempts) if a.get("review")), None)


def delivery_view(ctx: Context, record: LearnerRecord) -> dict[str, Any] | None:
    """The last delivery's state for this learner, or None where the home delivers nothing."""
    view = ctx.grades.delivery_state(record)
    if view is None:
        return None
    state = view.get("state")
    code = view.get("reason")
    return {"state": state if state in STATES else "pending", "reason_code": code if code in REASONS else "queued",
            "reason": REASONS.get(code, REASONS["queued"]), "http_status": view.get("http_status"),
            "attempt": view.get("attempt"), "at": view.get("at")}


def resend(ctx: Context, record: LearnerRecord) -> None:
    """Queue the latest decision's grade again (refused when there is no decision to send)."""
    attempt = latest_reviewed(record)
    if attempt is None:
        raise IllegalTransition(_("There is no grade to send yet: review an attempt first."))
    score = workflow.score_for(ctx.activity, attempt["review"]["decision"])
    ctx.grades.resend(record, attempt, score, ctx.activity.policies.points)
