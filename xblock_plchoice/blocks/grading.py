"""Grades through edx-submissions, the way ORA2 and edx-sga do it.

``runtime.publish(self, "grade")`` grades whoever is signed in; a staff review
would grade the *staff member*. Instead every submit creates a submission
against the learner's student item (their anonymous id, the course, this
usage), and a mastery decision sets the score on that submission. edx-platform
listens to ``score_set`` and updates the learner's grade; Instructor
Dashboard resets go through ``submissions.api.reset_score`` as for ORA2.
"""

from __future__ import annotations

import logging
from typing import Any

from ..core.store import LearnerRecord

log = logging.getLogger(__name__)
ITEM_TYPE = "plchoice"
#: edx-submissions stores integer points; fractional points are scaled so the ratio is exact.
_SCALE = 100


def student_item(learner_id: str, course_id: str, item_id: str) -> dict[str, str]:
    return {"student_id": learner_id, "course_id": course_id, "item_id": item_id, "item_type": ITEM_TYPE}


def integer_points(earned: float, possible: float) -> tuple[int, int]:
    """Scores as edx-submissions wants them (positive integers), keeping earned/possible exact."""
    if float(earned).is_integer() and float(possible).is_integer():
        return int(earned), int(possible)
    return round(earned * _SCALE), round(possible * _SCALE)


class SubmissionsGradeSink:
    """The core's ``GradeSink`` for the XBlock.

    ``publish_completion`` is called with the learner's own submit (never for a
    staff request), so the completion event belongs to that learner.
    """

    def __init__(self, course_id: str, item_id: str, publish_completion: Any = None,
                 current_user_id: str | None = None) -> None:
        self.course_id = course_id
        self.item_id = item_id
        self.publish_completion = publish_completion
        self.current_user_id = current_user_id

    def _item(self, record: LearnerRecord) -> dict[str, str]:
        return student_item(record.learner_id, self.course_id, self.item_id)

    @staticmethod
    def _answer(attempt: dict[str, Any]) -> dict[str, Any]:
        evidence = attempt.get("evidence") or {}
        return {"attempt": attempt["number"], "option_id": attempt.get("option_id"),
                "text": (evidence.get("text") or "")[:10_000], "links": list(evidence.get("links") or []),
                "file_ids": [f.get("file_id") for f in evidence.get("files") or []]}

    def submitted(self, record: LearnerRecord, attempt: dict[str, Any]) -> None:
        from submissions import api as submissions_api

        submissions_api.create_submission(self._item(record), self._answer(attempt),
                                          attempt_number=attempt["number"])
        if self.publish_completion is not None and record.learner_id == self.current_user_id:
            self.publish_completion()

    def scored(self, record: LearnerRecord, attempt: dict[str, Any], score: float, max_score: float) -> None:
        from submissions import api as submissions_api

        decision = (attempt.get("review") or {}).get("decision")
        if decision != "mastered" and score <= 0:
            return  # "revise" is feedback, not a grade: no zero lands in the gradebook
        item = self._item(record)
        uuid = next((s["uuid"] for s in submissions_api.get_submissions(item)
                     if s["attempt_number"] == attempt["number"]), None)
        if uuid is None:  # e.g. work submitted before the block had grading: attach the score anyway
            uuid = submissions_api.create_submission(item, self._answer(attempt),
                                                     attempt_number=attempt["number"])["uuid"]
        earned, possible = integer_points(score, max_score)
        submissions_api.set_score(uuid, earned, possible)


    def _submission_uuid(self, record: LearnerRecord, attempt: dict[str, Any]) -> str | None:
        from submissions import api as submissions_api

        return next((s["uuid"] for s in submissions_api.get_submissions(self._item(record))
                     if s["attempt_number"] == attempt["number"]), None)

    def delivery_state(self, record: LearnerRecord) -> dict[str, Any] | None:
        """edx-submissions' score state for the latest decision (edx-platform's gradebook follows its
        ``score_set``): recorded, no score by design (revise), or missing."""
        from submissions import api as submissions_api

        from ..core.workflow import attempts_since_reset

        # since the last Instructor Dashboard reset: a reset hides the earlier score on purpose
        attempt = next((a for a in reversed(attempts_since_reset(record)) if a.get("review")), None)
        if attempt is None:
            return None
        review = attempt["review"]
        if review.get("decision") != "mastered":
            return {"state": "delivered", "reason": "no_score", "attempt": attempt["number"], "at": review.get("at")}
        uuid = self._submission_uuid(record, attempt)
        score = submissions_api.get_latest_score_for_submission(uuid) if uuid else None
        if score is None:
            return {"state": "failed", "reason": "missing", "attempt": attempt["number"], "at": None}
        created = score.get("created_at")
        return {"state": "delivered", "reason": "recorded", "attempt": attempt["number"],
                "at": created.isoformat() if hasattr(created, "isoformat") else created}

    def resend(self, record: LearnerRecord, attempt: dict[str, Any], score: float, max_score: float) -> None:
        """Set the score again only when edx-submissions lacks it: one score per (attempt, decision)."""
        state = self.delivery_state(record)
        if state is not None and state["state"] == "failed":
            self.scored(record, attempt, score, max_score)


def on_score_reset(sender: Any, anonymous_user_id: str = "", course_id: str = "", item_id: str = "",
                   **kwargs: Any) -> None:
    """Instructor Dashboard "reset attempts": edx-submissions clears the score, we let the learner start over.

    The signal carries no item type, so any reset is tried; ``reset_learner``
    does nothing for items that are not ours (no record under that key).
    """
    from ..core.context import Context
    from ..core.protocol import reset_learner
    from .store import DjangoStore

    if anonymous_user_id and item_id and reset_learner(DjangoStore(), str(item_id), str(anonymous_user_id),
                                                       Context.utc_now_iso):
        log.info("PL Choice: staff reset of %s on %s", anonymous_user_id, item_id)


def connect() -> None:
    """Called from ``PLChoiceConfig.ready``; safe to call twice."""
    from submissions.models import score_reset

    score_reset.connect(on_score_reset, dispatch_uid="xblock_plchoice.score_reset")
