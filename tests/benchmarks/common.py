"""Helpers shared by the benchmarks: timing, seeding realistic records, a Django workbench in a temp dir.

Benchmarks print figures; they never assert on time (machines differ). Each
figure is compared with a baseline measured in the same run, on the same
machine, so the *ratio* is what to read.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from xblock_plchoice.core import analytics
from xblock_plchoice.core.activity import default_choice_definition, parse_activity
from xblock_plchoice.core.store import LearnerRecord

ACTIVITY = parse_activity(default_choice_definition())
ACTIVITY_KEY = "bench-activity"
COURSE_KEY = "course-v1:Bench+PL+2026"
LEVELS = ("not_yet", "meets", "exceeds")


def median_ms(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def fake_record(i: int, rng: random.Random, attempts: int | None = None) -> LearnerRecord:
    """A learner with 1-3 attempts, self-assessments and reviews, in a realistic status mix."""
    option = ACTIVITY.options[i % len(ACTIVITY.options)]
    n = attempts or rng.choice((1, 1, 1, 2, 3))
    final = rng.choice(("submitted", "submitted", "revise", "mastered", "mastered"))
    record = LearnerRecord(activity_key=ACTIVITY_KEY, course_key=COURSE_KEY, learner_id=f"learner-{i:07d}",
                           status=final, option_id=option.id, version=n * 3)
    record.choices.append({"option_id": option.id, "title": option.title, "at": "2026-02-01T10:00:00+00:00"})
    for number in range(1, n + 1):
        last = number == n
        decision = None if (last and final == "submitted") else ("revise" if not last else final)
        ratings = {c.id: rng.choice(LEVELS) for c in ACTIVITY.criteria}
        at = f"2026-02-{1 + number:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}+00:00"
        record.attempts.append({
            "number": number, "option_id": option.id, "option_title": option.title,
            "evidence": {"text": f"Attempt {number} by learner {i}. " + "Photosynthesis turns light... " * 8,
                         "links": [], "files": []},
            "self_assessment": {"ratings": ratings, "comment": "I think I met it", "at": at},
            "submitted_at": at,
            "review": None if decision is None else {
                "ratings": {c.id: rng.choice(LEVELS) for c in ACTIVITY.criteria}, "feedback": "Good start",
                "decision": decision, "at": at, "reviewer_id": "staff-1"},
        })
    record.submitted_at = record.attempts[-1]["submitted_at"]
    record.display_name = f"Learner {rng.randrange(10**6):06d}"  # random, so the name order is not the id order
    if i % 4 == 3:  # a quarter of the items with a reply staff have not read (full pages at 100 learners too)
        record.replies.append({"id": f"r{i}", "attempt": n, "author_role": "learner", "author_id": record.learner_id,
                               "author_name": "", "text": "Which part should I improve?", "at": record.submitted_at})
    if i % 4:  # half claimed by staff-1, a quarter by staff-2, a quarter unclaimed (issue 9's claim filters)
        grader = "staff-1" if i % 2 else "staff-2"
        record.claim = {"user_id": grader, "display_name": grader, "at": record.submitted_at}
    return record


def fake_records(count: int, seed: int = 7, attempts: int | None = None) -> Iterator[LearnerRecord]:
    rng = random.Random(seed)
    for i in range(count):
        yield fake_record(i, rng, attempts)


def counters_for(records: list[LearnerRecord]) -> dict[str, float]:
    return analytics.recompute(records)


def setup_django(var_dir: Path) -> None:
    """Our workbench settings on a fresh SQLite database in ``var_dir``."""
    os.environ["PLCHOICE_VAR_DIR"] = str(var_dir)
    os.environ["PLCHOICE_WORKBENCH_DB"] = str(var_dir / "bench.db")
    os.environ["DJANGO_SETTINGS_MODULE"] = "xblock_plchoice.workbench.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)


def seed_django(count: int, attempts: int | None = None, batch: int = 5000) -> int:
    """Bulk-insert ``count`` records (and their counters) through the Django models; returns attempts."""
    from collections import Counter

    from xblock_plchoice.blocks.models import CounterRow, LearnerRecordRow

    total: Counter = Counter()
    n_attempts = 0
    rows = []
    for record in fake_records(count, attempts=attempts):
        total.update(analytics.contributions(record))
        n_attempts += len(record.attempts)
        rows.append(LearnerRecordRow(activity_key=record.activity_key, course_key=record.course_key,
                                     learner_id=record.learner_id, status=record.status,
                                     option_id=record.option_id, submitted_at=record.submitted_at,
                                     version=record.version, sort_name=record.sort_name,
                                     claimed_by=record.claimed_by, has_unread=record.has_unread,
                                     data=record.to_dict()))
        if len(rows) >= batch:
            LearnerRecordRow.objects.bulk_create(rows)
            rows = []
    LearnerRecordRow.objects.bulk_create(rows)
    CounterRow.objects.bulk_create([CounterRow(activity_key=ACTIVITY_KEY, name=k, value=v)
                                    for k, v in total.items()])
    return n_attempts


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("  " + "  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
