"""One export measurement in a fresh process (so peak RSS belongs to this mode alone)."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

from .common import ACTIVITY, ACTIVITY_KEY, COURSE_KEY, setup_django


def main(mode: str) -> None:
    setup_django(Path(os.environ["PLCHOICE_VAR_DIR"]))
    from xblock_plchoice.blocks.store import DjangoStore
    from xblock_plchoice.core.context import Actor, Context
    from xblock_plchoice.core.exports import attempt_rows, header
    from xblock_plchoice.core.protocol import export_csv

    ctx = Context(activity=ACTIVITY, activity_key=ACTIVITY_KEY, course_key=COURSE_KEY, store=DjangoStore())
    staff = Actor("staff-1", "staff")
    start = time.perf_counter()
    written = rows = 0
    if mode == "baseline":
        next(iter(ctx.store.iter_records(ACTIVITY_KEY)))
    elif mode == "streamed":
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for chunk in export_csv(staff, ctx):
                written += len(chunk.encode())
                rows += chunk.count("\r\n")
                sink.write(chunk)
        rows -= 1  # the header
    else:
        records = list(ctx.store.iter_records(ACTIVITY_KEY))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header(ACTIVITY))
        for record in records:
            for row in attempt_rows(ACTIVITY, record):
                writer.writerow(row)
                rows += 1
        written = len(buffer.getvalue().encode())
    print(json.dumps({"rows": rows, "bytes": written, "seconds": time.perf_counter() - start,
                      "peak_rss_mb": peak_rss_kb() / 1024}))


def peak_rss_kb() -> int:
    """This process's own peak RSS (VmHWM).

    Not ``getrusage().ru_maxrss``: Linux carries the parent's high-water mark
    into a child across fork/exec, so a child of the seeding process would
    report the parent's peak instead of its own.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    main(sys.argv[1])
