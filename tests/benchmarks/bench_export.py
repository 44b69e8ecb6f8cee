"""Staff CSV export of 100,000 attempts: streamed, flat memory.

Seeds 100,000 attempts into the Django store, then runs three fresh processes
on that database and prints each one's peak RSS:
  - baseline: Django set up and one record read (what any request costs);
  - streamed: the real export (``core.protocol.export_csv``) written to /dev/null;
  - materialised: the same CSV built in memory from all records at once, the way
    an unstreamed export would, for contrast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import seed_django, setup_django, table

ATTEMPTS = 100_000


def run_worker(var_dir: Path, mode: str) -> dict:
    env = {**os.environ, "PLCHOICE_VAR_DIR": str(var_dir), "PLCHOICE_WORKBENCH_DB": str(var_dir / "bench.db")}
    out = subprocess.run([sys.executable, "-m", "tests.benchmarks.export_worker", mode], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(attempts: int = ATTEMPTS) -> None:
    with tempfile.TemporaryDirectory(prefix="plchoice-export-") as tmp:
        var_dir = Path(tmp)
        setup_django(var_dir)
        start = time.perf_counter()
        seeded = seed_django(attempts, attempts=1)
        print(f"  seeded {seeded:,} attempts in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        results = {mode: run_worker(var_dir, mode) for mode in ("baseline", "streamed", "materialised")}
        base = results["baseline"]["peak_rss_mb"]
        rows = [[mode, f"{r['rows']:,}", f"{r['bytes'] / 1e6:.1f}", f"{r['seconds']:.1f}",
                 f"{r['peak_rss_mb']:.0f}", f"{r['peak_rss_mb'] - base:+.0f}"]
                for mode, r in results.items()]
        table(f"Staff CSV export of {seeded:,} attempts (peak RSS of a fresh process)",
              ["mode", "rows", "MB out", "s", "peak RSS MB", "vs baseline MB"], rows)


if __name__ == "__main__":
    main()
