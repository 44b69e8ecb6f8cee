"""Assignment and Grade Services: what the platform's gradebook hears about an attempt.

:class:`OutboxGradeSink` is the LTI home's :class:`~xblock_plchoice.core.context.GradeSink`.
The core calls it inside the transaction that saves the learner record, so it
only *inserts outbox rows* on the same session; :mod:`lti_tool.lti.outbox`
delivers them. Messages:

* on submit: ``activityProgress=Submitted``, ``gradingProgress=PendingManual``
  (the gradebook shows "needs grading" and SpeedGrader lists the attempt);
* on a *mastered* decision: the score, ``Completed`` / ``FullyGraded``, the
  feedback as ``comment``;
* on a *revise* decision: the feedback as ``comment`` with ``InProgress`` /
  ``NotReady`` and no score, because the learner is still working: a 0 in the
  gradebook would read as a failing grade in a mastery model.

Each message carries Canvas's submission extension, which other platforms
ignore, so each attempt appears as its own submission in SpeedGrader.

``record.learner_id`` is the LTI ``sub`` of the learner (the LTI home uses
``sub`` as the learner id), which is what AGS ``userId`` must be.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from lti_tool.db.models import utcnow
from lti_tool.db.outbox_models import DEAD, DELIVERED, PENDING, GradeOutbox
from xblock_plchoice.core.store import LearnerRecord

from .service_tokens import SCORE_SCOPE
from .wake import wake_outbox

log = logging.getLogger(__name__)

CANVAS_SUBMISSION = "https://canvas.instructure.com/lti/submission"
SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"


def scores_url(lineitem_url: str) -> str:
    """The score service URL: the line item's *path* + ``/scores``, query kept.

    Moodle's line items look like ``.../lineitems/5/lineitem?type_id=7``; the scores
    endpoint is ``.../lineitems/5/lineitem/scores?type_id=7``, not ``...?type_id=7/scores``.
    """
    parts = urlsplit(lineitem_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/scores", parts.query, ""))


def _key(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def submitted_score(user_id: str, attempt: dict[str, Any], launch_url: str) -> dict[str, Any]:
    at = attempt.get("submitted_at")
    return {
        "userId": user_id, "activityProgress": "Submitted", "gradingProgress": "PendingManual",
        "timestamp": at, "submission": {"submittedAt": at},
        CANVAS_SUBMISSION: _canvas_submission(attempt, launch_url, new=True),
    }


def reviewed_score(user_id: str, attempt: dict[str, Any], score: float, max_score: float,
                   launch_url: str) -> dict[str, Any]:
    review = attempt.get("review") or {}
    body: dict[str, Any] = {"userId": user_id, "timestamp": review.get("at"),
                            "comment": review.get("feedback") or "",
                            "submission": {"submittedAt": attempt.get("submitted_at")},
                            CANVAS_SUBMISSION: _canvas_submission(attempt, launch_url, new=False)}
    if review.get("decision") == "revise":
        body.update(activityProgress="InProgress", gradingProgress="NotReady")
    else:
        body.update(scoreGiven=float(score), scoreMaximum=float(max_score),
                    activityProgress="Completed", gradingProgress="FullyGraded")
    return body


def _canvas_submission(attempt: dict[str, Any], launch_url: str, *, new: bool) -> dict[str, Any]:
    """Canvas's extension: ``basic_lti_launch`` makes SpeedGrader open the tool on the attempt."""
    return {"new_submission": new, "submission_type": "basic_lti_launch",
            "submission_data": f"{launch_url}?attempt={attempt.get('number')}",
            "submitted_at": attempt.get("submitted_at")}


class OutboxGradeSink:
    """Queue AGS messages for the launch's line item, in the caller's transaction."""

    def __init__(self, session: Session, launch_context: Any, *, launch_url: str = "") -> None:
        self.session = session
        self.launch = launch_context
        ags = getattr(launch_context, "ags", None) or {}
        scopes = ags.get("scope") or []
        self.lineitem_url: str | None = ags.get("lineitem") if SCORE_SCOPE in scopes else None
        self.launch_url = launch_url or _default_launch_url()
        if ags and not self.lineitem_url:
            log.info("AGS claim without a line item or score scope for %s: grades stay in the tool.",
                     getattr(launch_context, "activity_key", "?"))

    @property
    def enabled(self) -> bool:
        return bool(self.lineitem_url)

    def submitted(self, record: LearnerRecord, attempt: dict[str, Any]) -> None:
        self._queue(record, attempt, "submitted", submitted_score(record.learner_id, attempt, self.launch_url),
                    attempt.get("submitted_at"))

    def scored(self, record: LearnerRecord, attempt: dict[str, Any], score: float, max_score: float) -> None:
        review = attempt.get("review") or {}
        self._queue(record, attempt, "scored",
                    reviewed_score(record.learner_id, attempt, score, max_score, self.launch_url), review.get("at"))

    def delivery_state(self, record: LearnerRecord) -> dict[str, Any] | None:
        """The last outbox message for this learner's line item, as a reason *code* (never the platform's body:
        ``last_error`` may quote it, and that stays in the operator's log)."""
        if not self.lineitem_url:
            return None
        row = self.session.scalars(
            select(GradeOutbox).where(GradeOutbox.target_key == _key(self.lineitem_url, record.learner_id),
                                      GradeOutbox.activity_key == record.activity_key)
            .order_by(GradeOutbox.id.desc()).limit(1)).first()
        if row is None:
            return None
        at = row.delivered_at or row.created_at
        return {"state": _STATE[row.status], "reason": _reason(row), "http_status": row.last_status,
                "attempt": row.attempt, "at": at.isoformat() if at else None}

    def resend(self, record: LearnerRecord, attempt: dict[str, Any], score: float, max_score: float) -> None:
        """Queue this decision again: a given-up message goes back to pending under the *same* idempotency
        key (a platform that applied it already will not apply it twice); a delivered one stays delivered;
        a decision never queued (no line item then) is queued now. Exactly once per (attempt, decision)."""
        if not self.lineitem_url:
            return
        review = attempt.get("review") or {}
        key = _key(record.activity_key, record.learner_id, attempt.get("number"), "scored", review.get("at"))
        row = self.session.scalars(select(GradeOutbox).where(GradeOutbox.idempotency_key == key)).first()
        if row is None:
            self.scored(record, attempt, score, max_score)
            return
        if row.status == DELIVERED:
            return
        row.status, row.tries, row.next_attempt_at = PENDING, 0, utcnow()
        row.lease_until = row.lease_owner = None
        self.session.flush()
        event.listen(self.session, "after_commit", wake_outbox, once=True)

    def _queue(self, record: LearnerRecord, attempt: dict[str, Any], kind: str, payload: dict[str, Any],
               moment: Any) -> None:
        if not self.lineitem_url:
            return
        key = _key(record.activity_key, record.learner_id, attempt.get("number"), kind, moment)
        exists = self.session.scalar(select(GradeOutbox.id).where(GradeOutbox.idempotency_key == key))
        if exists is not None:  # the same decision replayed (a retried request): already queued
            return
        self.session.add(GradeOutbox(
            idempotency_key=key, target_key=_key(self.lineitem_url, record.learner_id),
            issuer=self.launch.issuer, client_id=self.launch.client_id,
            deployment_id=self.launch.deployment_id, lineitem_url=self.lineitem_url,
            user_sub=record.learner_id, activity_key=record.activity_key, learner_id=record.learner_id,
            attempt=int(attempt.get("number") or 0), kind=kind, payload=payload,
            status="pending", tries=0, ambiguous=False))
        # Deliver promptly once this transaction commits (nothing is sent if it rolls back).
        event.listen(self.session, "after_commit", wake_outbox, once=True)


_STATE = {PENDING: "pending", DELIVERED: "delivered", DEAD: "failed"}


def _reason(row: GradeOutbox) -> str:
    """A :data:`core.grade_delivery.REASONS` code from the row's status and last HTTP status."""
    if row.status == DELIVERED:
        return "delivered"
    status = row.last_status
    error = row.last_error or ""
    if row.status == DEAD:
        return "refused" if status is not None and 400 <= status < 500 and status not in (401, 429) else "gave_up"
    if not row.tries:
        return "queued"
    if status == 401:
        return "token"
    if error.startswith("No registration"):
        return "registration"
    if status is None:
        return "unreachable"
    return "busy"


def _default_launch_url() -> str:
    try:
        from flask import current_app

        return current_app.extensions["plchoice"].settings.launch_url
    except (RuntimeError, KeyError, AttributeError):
        return ""
