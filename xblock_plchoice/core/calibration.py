"""How one learner's self-assessments compare with their reviewers' ratings, over time.

Calibration (how well a learner judges their own work against the shared
criteria) is a skill that grows with feedback; seeing it is part of
self-regulated learning. This is *not* a grade and feeds no grade: it is
shown to the learner in their learning log ("how my judgement compares") and
to the reviewer in the review panel, for this learner only.

Each attempt that has both a self-assessment and a review gives one
``(self, reviewer)`` pair per criterion. Nothing is stored: the pairs are read
from the learner's own records, which a learner's or reviewer's request
already loads (one activity for the review panel, the learner's records in
one course for the log).
"""

from __future__ import annotations

from typing import Any

from .activity import LEVELS, Activity
from .stats import gap_summary
from .store import LearnerRecord


def criteria_snapshot(activity: Activity) -> dict[str, str]:
    """Criterion titles as the learner saw them, kept with each attempt.

    The learning log spans every activity of a course but a request only knows
    its own activity's definition; the snapshot lets the log name another
    activity's criteria, and keeps the names a learner saw if an author edits them later.
    """
    return {c.id: c.title for c in activity.criteria}


def _pairs(attempt: dict[str, Any]) -> dict[str, tuple[str, str]]:
    review, mine = attempt.get("review"), attempt.get("self_assessment")
    if not review or not mine:
        return {}
    out = {}
    for criterion, staff_level in (review.get("ratings") or {}).items():
        self_level = (mine.get("ratings") or {}).get(criterion)
        if self_level in LEVELS and staff_level in LEVELS:
            out[criterion] = (self_level, staff_level)
    return out


def record_calibration(record: LearnerRecord, activity: Activity | None = None) -> dict[str, Any]:
    """Per criterion of one record: each compared attempt, and the summary over them.

    Criteria are listed in the activity's order when ``activity`` is this
    record's definition; otherwise in the order the attempts first rated them,
    named from the attempt's snapshot (an id only if no title was ever kept).
    """
    titles: dict[str, str] = {}
    for attempt in record.attempts:
        titles.update({c["id"]: c["title"] for c in attempt.get("criteria") or []  # the rubric snapshot
                       if isinstance(c, dict) and isinstance(c.get("id"), str) and isinstance(c.get("title"), str)})
    order = list(activity.criterion_ids) if activity else []
    if activity:
        titles.update(criteria_snapshot(activity))
    history: dict[str, list[dict[str, Any]]] = {}
    for attempt in record.attempts:
        for criterion, (self_level, staff_level) in _pairs(attempt).items():
            history.setdefault(criterion, []).append(
                {"attempt": attempt["number"], "self": self_level, "reviewer": staff_level})
            if criterion not in order:
                order.append(criterion)
    criteria = []
    for criterion in order:
        rows = history.get(criterion, [])
        criteria.append({"id": criterion, "title": titles.get(criterion, criterion), "attempts": rows,
                         **gap_summary((r["self"], r["reviewer"]) for r in rows)})
    every = [(r["self"], r["reviewer"]) for rows in history.values() for r in rows]
    return {"criteria": criteria, **gap_summary(every)}


def _headline(activities: list[dict[str, Any]]) -> dict[str, Any]:
    """The one plain-language sentence, as data: the front end words it in the learner's language.

    It names the criterion where the learner's judgement leaned one way most
    often (higher before lower when tied, since over-rating is the more useful
    thing to notice), or says that their ratings matched, or that there is
    nothing to compare yet.
    """
    best: dict[str, Any] | None = None
    matched = total = 0
    for activity in activities:
        for criterion in activity["criteria"]:
            total += criterion["pairs"]
            matched += criterion["same"]
            for lean in ("higher", "lower"):
                count = criterion[lean]
                if count and (best is None or count > best["count"]):
                    best = {"kind": lean, "criterion": criterion["title"], "activity_title":
                            activity["activity_title"], "count": count, "total": criterion["pairs"]}
    if best is not None:
        return best
    if total:
        return {"kind": "matched", "criterion": "", "activity_title": "", "count": matched, "total": total}
    return {"kind": "none", "criterion": "", "activity_title": "", "count": 0, "total": 0}


def course_calibration(records: list[LearnerRecord], current_key: str, current: Activity) -> dict[str, Any]:
    """"How my judgement compares": every activity of the course this learner has compared work in."""
    activities = []
    for record in sorted(records, key=lambda r: (r.attempts[0]["submitted_at"] if r.attempts else "",
                                                 r.activity_key)):
        here = record_calibration(record, current if record.activity_key == current_key else None)
        if not here["pairs"]:
            continue
        title = next((e.get("activity_title", "") for e in reversed(record.events) if e.get("activity_title")), "")
        if record.activity_key == current_key:
            title = current.title
        activities.append({"activity_key": record.activity_key, "activity_title": title,
                           **here, "criteria": [c for c in here["criteria"] if c["pairs"]]})
    every = [(r["self"], r["reviewer"]) for a in activities for c in a["criteria"] for r in c["attempts"]]
    return {"activities": activities, "overall": gap_summary(every), "headline": _headline(activities)}
