"""Choice analytics at a flat cost.

Every record *contributes* to named counters (its status, its option's
chosen/submitted/mastered counts, its self-vs-staff rating pairs...). When a
command changes a record, the store adds ``contributions(after) -
contributions(before)``, so totals are always the sum over records without
ever scanning them: the staff dashboard costs the same for 100 learners or
100,000. :func:`recompute` rebuilds the counters from scratch, which is how
tests prove the incremental path never drifts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .activity import LEVEL_SCORE, PROPOSAL_OPTION_ID, Activity
from .store import LearnerRecord
from .workflow import STATUSES, attempts_since_reset

NO_OPTION = "-"


def claimer_counter(user_id: str) -> str:
    """The counter name of one grader's claims: a digest, since a user id (an LTI ``sub``) may be 255
    characters and counter names are at most 128."""
    return "claimed_by:" + hashlib.sha256(user_id.encode()).hexdigest()[:24]


def contributions(record: LearnerRecord | None) -> Counter:
    """The counters one record adds to its activity's totals."""
    out: Counter = Counter()
    if record is None:
        return out
    option = record.option_id or NO_OPTION
    out["total"] += 1
    out[f"status:{record.status}"] += 1
    out[f"status:{record.status}:option:{option}"] += 1
    # the grading queue's filters (core.grading_queue.queue_total): unread replies and claims
    if record.unread_replies:
        out["unread"] += 1
        out[f"unread:status:{record.status}"] += 1
    if record.claim:
        for name in ("claimed", claimer_counter(record.claimed_by)):
            out[name] += 1
            out[f"{name}:status:{record.status}"] += 1
    if record.option_id:
        out[f"option:{option}:chosen"] += 1
    if record.attempts:
        out[f"option:{record.attempts[-1]['option_id'] or NO_OPTION}:submitted"] += 1
    if record.status == "mastered":
        out[f"option:{option}:mastered"] += 1
        out[f"option:{option}:attempts_to_mastery"] += len(attempts_since_reset(record))
    for proposal in record.proposals:
        out["proposals:made"] += 1
        if proposal["status"] in ("approved", "redirected"):
            out[f"proposals:{proposal['status']}"] += 1
    for attempt in record.attempts:
        review, mine = attempt.get("review"), attempt.get("self_assessment")
        if not review or not mine:
            continue
        for criterion, staff_level in review["ratings"].items():
            self_level = mine["ratings"].get(criterion)
            if self_level is None:
                continue
            gap = LEVEL_SCORE[self_level] - LEVEL_SCORE[staff_level]
            out[f"criterion:{criterion}:pairs"] += 1
            out[f"criterion:{criterion}:self_sum"] += LEVEL_SCORE[self_level]
            out[f"criterion:{criterion}:staff_sum"] += LEVEL_SCORE[staff_level]
            out[f"criterion:{criterion}:gap_sum"] += gap
            out[f"criterion:{criterion}:abs_gap_sum"] += abs(gap)
    return out


def delta(before: LearnerRecord | None, after: LearnerRecord | None) -> dict[str, float]:
    """What to add to the stored counters when ``before`` becomes ``after``."""
    old, new = contributions(before), contributions(after)
    return {k: new.get(k, 0) - old.get(k, 0) for k in set(old) | set(new) if new.get(k, 0) != old.get(k, 0)}


def recompute(records: Iterable[LearnerRecord]) -> dict[str, float]:
    total: Counter = Counter()
    for record in records:
        total.update(contributions(record))
    return {k: v for k, v in total.items() if v}


def rubric_impact(counters: dict[str, float]) -> dict[str, Any]:
    """How many learners already submitted (``option:*:submitted`` counts records with an attempt): editors
    warn before criteria change. Past attempts keep their snapshot either way (core.feedback)."""
    learners = int(sum(v for k, v in counters.items() if k.startswith("option:") and k.endswith(":submitted")))
    return {"learners_with_attempts": learners, "attempts_exist": learners > 0}


def _mean(total: float, count: float) -> float | None:
    return round(total / count, 3) if count else None


def status_counts(counters: dict[str, float]) -> dict[str, int]:
    return {status: int(counters.get(f"status:{status}", 0)) for status in STATUSES}


def analytics_view(activity: Activity, counters: dict[str, float]) -> dict[str, Any]:
    options = [(o.id, o.title) for o in activity.options]
    if any(k.startswith(f"option:{PROPOSAL_OPTION_ID}:") for k in counters):
        options.append((PROPOSAL_OPTION_ID, ""))  # the front end labels it "Learners' own proposals"

    def c(name: str) -> float:
        return counters.get(name, 0)

    return {
        "total": int(c("total")),
        "statuses": status_counts(counters),
        "options": [{
            "id": option_id, "title": title,
            "chosen": int(c(f"option:{option_id}:chosen")),
            "submitted": int(c(f"option:{option_id}:submitted")),
            "mastered": int(c(f"option:{option_id}:mastered")),
            "mean_attempts_to_mastery": _mean(c(f"option:{option_id}:attempts_to_mastery"),
                                              c(f"option:{option_id}:mastered")),
        } for option_id, title in options],
        "criteria": [{
            "id": cr.id, "title": cr.title, "pairs": int(c(f"criterion:{cr.id}:pairs")),
            "mean_self": _mean(c(f"criterion:{cr.id}:self_sum"), c(f"criterion:{cr.id}:pairs")),
            "mean_staff": _mean(c(f"criterion:{cr.id}:staff_sum"), c(f"criterion:{cr.id}:pairs")),
            "mean_gap": _mean(c(f"criterion:{cr.id}:gap_sum"), c(f"criterion:{cr.id}:pairs")),
            "mean_abs_gap": _mean(c(f"criterion:{cr.id}:abs_gap_sum"), c(f"criterion:{cr.id}:pairs")),
        } for cr in activity.criteria],
        "proposals": {"made": int(c("proposals:made")), "approved": int(c("proposals:approved")),
                      "redirected": int(c("proposals:redirected"))},
        "reflections": {"before": int(c("reflections:before")), "after": int(c("reflections:after")),
                        "shared": int(c("reflections:shared"))},
    }
