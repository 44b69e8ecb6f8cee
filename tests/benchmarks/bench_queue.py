"""Queue page and analytics cost as a course grows: 100, 10,000 and 100,000 seeded submissions.

Runs the real path (core ``dispatch`` on the Django store the XBlocks use,
SQLite) and prints the median time of one queue page and of analytics at each
size, with the ratio to the 100-learner figure measured in the same run (issue 9 adds the grading queue's
``sort=oldest`` for "submitted", the ``unread_replies`` and claim filters, and the other sorts).
Flat means a ratio near 1.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from .common import ACTIVITY, ACTIVITY_KEY, COURSE_KEY, median_ms, seed_django, setup_django, table

SIZES = (100, 10_000, 100_000)


def main(sizes: tuple[int, ...] = SIZES) -> None:
    with tempfile.TemporaryDirectory(prefix="plchoice-bench-") as tmp:
        setup_django(Path(tmp))
        from xblock_plchoice.blocks.models import CounterRow, LearnerRecordRow
        from xblock_plchoice.blocks.store import DjangoStore
        from xblock_plchoice.core.context import Actor, Context
        from xblock_plchoice.core.protocol import dispatch

        staff = Actor("staff-1", "staff")
        ctx = Context(activity=ACTIVITY, activity_key=ACTIVITY_KEY, course_key=COURSE_KEY, store=DjangoStore())
        rows = []
        base: dict[str, float] = {}
        for size in sizes:
            LearnerRecordRow.objects.all().delete()
            CounterRow.objects.all().delete()
            start = time.perf_counter()
            seed_django(size)
            seeded = time.perf_counter() - start
            figures = {
                "queue p1": median_ms(lambda: dispatch("queue", staff, {"page": 1, "page_size": 20}, ctx)),
                "queue p1 status+option": median_ms(lambda: dispatch(
                    "queue", staff, {"page": 1, "page_size": 20, "status": "submitted", "option_id": "write"}, ctx)),
                "queue last page": median_ms(lambda: dispatch(
                    "queue", staff, {"page": max(size // 20, 1), "page_size": 20}, ctx)),
                # issue 9: the grading queue's default sort for "submitted", its filters and the other sorts
                "queue submitted sort=oldest": median_ms(lambda: dispatch(
                    "queue", staff, {"page": 1, "page_size": 20, "status": "submitted", "sort": "oldest"}, ctx)),
                "queue unread_replies": median_ms(lambda: dispatch(
                    "queue", staff, {"page": 1, "page_size": 20, "unread": True}, ctx)),
                "queue claimed=mine": median_ms(lambda: dispatch(
                    "queue", staff, {"page": 1, "page_size": 20, "claimed": "mine"}, ctx)),
                "queue unclaimed sort=newest": median_ms(lambda: dispatch(
                    "queue", staff, {"page": 1, "page_size": 20, "claimed": "unclaimed", "sort": "newest"}, ctx)),
                "queue sort=name": median_ms(lambda: dispatch(
                    "queue", staff, {"page": 1, "page_size": 20, "sort": "name"}, ctx)),
                "analytics": median_ms(lambda: dispatch("analytics", staff, {}, ctx)),
                "state (staff)": median_ms(lambda: dispatch("state", staff, {}, ctx)),
            }
            check = dispatch("queue", staff, {"page": 1, "page_size": 20}, ctx)
            assert check["total"] == size and len(check["items"]) == 20
            unread = dispatch("queue", staff, {"page": 1, "page_size": 20, "unread": True}, ctx)
            assert unread["total"] == len(range(3, size, 4)) and all(i["unread_replies"] for i in unread["items"])
            if not base:
                base = figures
            for name, value in figures.items():
                rows.append([f"{size:,}", name, f"{value:.2f}", f"{value / base[name]:.2f}x"])
            print(f"  seeded {size:,} learners in {seeded:.1f} s", file=sys.stderr)
        table("Queue page and analytics (Django store, SQLite; median of 15; ratio vs 100 learners)",
              ["learners", "operation", "ms", "ratio"], rows)


if __name__ == "__main__":
    main()
