"""The staff charts' data as a course grows: ``analytics`` at 100, 10,000 and 100,000 seeded learners.

The charts (options, calibration distribution, equity lens with Wilson
intervals) are drawn from the one ``analytics`` view, which the core builds
from per-activity counters, never by scanning records; this benchmark shows
it. It runs the real path (core ``dispatch`` on the Django store the XBlocks
use, SQLite) and prints the median time at each size with the ratio to the
100-learner figure from the same run: flat means a ratio near 1. A learner's
``log`` (with "how my judgement compares") is timed too: it reads only that
learner's records, so it must stay flat as well.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .common import ACTIVITY, ACTIVITY_KEY, COURSE_KEY, median_ms, reseeded, setup_django, table

SIZES = (100, 10_000, 100_000)


def main(sizes: tuple[int, ...] = SIZES) -> None:
    with tempfile.TemporaryDirectory(prefix="plchoice-bench-") as tmp:
        setup_django(Path(tmp))
        from xblock_plchoice.blocks.store import DjangoStore
        from xblock_plchoice.core.context import Actor, Context
        from xblock_plchoice.core.protocol import dispatch

        staff = Actor("staff-1", "staff")
        learner = Actor("learner-0000001")
        ctx = Context(activity=ACTIVITY, activity_key=ACTIVITY_KEY, course_key=COURSE_KEY, store=DjangoStore())
        rows = []
        base: dict[str, float] = {}
        for size, seeded in reseeded(sizes):
            view = dispatch("analytics", staff, {}, ctx)
            # The chart data is all there and adds up: every learner is in one option's bar.
            assert view["total"] == size
            assert sum(o["chosen"] for o in view["options"]) == size
            assert all(c["higher"] + c["same"] + c["lower"] == c["pairs"] for c in view["criteria"])
            assert all(o["n"] and o["low"] <= o["rate"] <= o["high"] for o in view["equity"]["options"])
            assert dispatch("log", learner, {}, ctx)["calibration"]["overall"]["pairs"] >= 0
            figures = {
                "analytics (all chart data)": median_ms(lambda: dispatch("analytics", staff, {}, ctx)),
                "log with judgement (1 learner)": median_ms(lambda: dispatch("log", learner, {}, ctx)),
            }
            if not base:
                base = figures
            for name, value in figures.items():
                rows.append([f"{size:,}", name, f"{value:.2f}", f"{value / base[name]:.2f}x"])
            findings = len(view["equity"]["findings"])
            print(f"  seeded {size:,} learners in {seeded:.1f} s; equity findings: {findings}", file=sys.stderr)
        table("Analytics charts and the learner's judgement view (Django store, SQLite; median of 15; "
              "ratio vs 100 learners)", ["learners", "operation", "ms", "ratio"], rows)


if __name__ == "__main__":
    main()
