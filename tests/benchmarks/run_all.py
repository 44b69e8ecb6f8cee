"""``make bench``: every benchmark, each in its own process, figures and ratios printed.

A benchmark that cannot run (say, a module another part of the project has
not installed) prints why and the run goes on; the exit code is non-zero then.
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHMARKS = [
    ("student_view render vs xblock-free-text-response", "tests.benchmarks.bench_render"),
    ("queue page and analytics at 100 / 10,000 / 100,000 learners", "tests.benchmarks.bench_queue"),
    ("analytics chart data and the learner's judgement view at 100 / 10,000 / 100,000 learners",
     "tests.benchmarks.bench_analytics"),
    ("streamed CSV export of 100,000 attempts", "tests.benchmarks.bench_export"),
    ("LTI launches per second and 1,000 scores on one token", "tests.benchmarks.bench_lti"),
    ("evidence on S3 vs the data dir; tool peak RSS in a 200 MB upload", "tests.benchmarks.bench_blobs"),
]


def main() -> int:
    failures = 0
    for title, module in BENCHMARKS:
        print(f"\n=== {title} ({module})", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", module], check=False)
        print(f"--- {time.perf_counter() - start:.0f} s", flush=True)
        if result.returncode:
            failures += 1
            print(f"!!! {module} failed with exit code {result.returncode}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
