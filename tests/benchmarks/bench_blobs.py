"""Blob store benchmark (a script that prints figures, not a test): ``python -m tests.benchmarks.bench_blobs``.

1. Throughput of S3 (moto's S3 API server over loopback HTTP) against the data dir, through the
   stores themselves: saving and reading back a 64 MiB file in 64 KiB chunks, as the core does.
   Read the ratio: moto keeps objects in a Python process, so a real MinIO or AWS differs.
2. Peak RSS of the tool process (the real tool behind the demo platform, ``PLCHOICE_BLOB_URL=s3://``)
   while a learner uploads a 200 MB video: growth over the RSS before the upload, next to the same
   upload into the data dir. Flat means it does not grow with the file (one 8 MiB part at a time).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from demo_platform import PlatformServer  # noqa: E402
from lti_tool.blobs.files import FileBlobStore  # noqa: E402
from lti_tool.blobs.s3 import S3BlobStore  # noqa: E402
from tests.lti.helpers import s3 as helpers  # noqa: E402
from tests.lti.helpers.servers import S3Server  # noqa: E402
from tests.lti.platform_fixtures import ToolServer  # noqa: E402

THROUGHPUT_BYTES = 64 * helpers.MIB
BIG_UPLOAD = 200 * 1000 * 1000


def throughput(store, rounds: int = 2) -> tuple[float, float]:
    """Best MiB/s of ``rounds`` saves and full reads of THROUGHPUT_BYTES."""
    best_write = best_read = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        path = store.save("bench.mp4", helpers.media_bytes(THROUGHPUT_BYTES, block=64 * 1024))
        best_write = max(best_write, THROUGHPUT_BYTES / helpers.MIB / (time.perf_counter() - start))
        start = time.perf_counter()
        with store.open(path) as stream:
            while stream.read(64 * 1024):
                pass
        best_read = max(best_read, THROUGHPUT_BYTES / helpers.MIB / (time.perf_counter() - start))
        store.delete(path)
    return best_write, best_read


def peak_growth_mib(work: Path, extra_env: dict[str, str]) -> tuple[float, float, float]:
    """(peak RSS in MiB, its growth over the RSS before, seconds) of a tool process taking one BIG_UPLOAD."""
    started: list = []

    def lms(shape: str) -> PlatformServer:
        started.append(PlatformServer(shape).start())
        return started[-1]

    def tool(**env: str) -> ToolServer:
        server = ToolServer(work / f"tool-{len(started)}", env)
        server.data_dir.mkdir(parents=True, exist_ok=True)
        server.cli("init")
        started.append(server.start())
        return server

    try:
        server, _platform, _link, learner, page = helpers.launched_learner(lms, tool, **extra_env)
        helpers.upload(learner, page, 9 * helpers.MIB)  # warm-up: lazy first-upload loading is not the cost
        pid = server.process.pid
        helpers.reset_peak_rss(pid)
        before = helpers.status_kib(pid, "VmRSS")
        start = time.perf_counter()
        helpers.upload(learner, page, BIG_UPLOAD)
        elapsed = time.perf_counter() - start
        peak = helpers.status_kib(pid, "VmHWM")
        return peak / 1024, (peak - before) / 1024, elapsed
    finally:
        for item in reversed(started):
            item.stop()


def main() -> int:
    s3 = S3Server().start()
    os.environ.update(helpers.aws_env(s3.url))
    try:
        with tempfile.TemporaryDirectory(prefix="plc-bench-blobs-") as tmp:
            work = Path(tmp)
            bucket = helpers.Bucket(s3.url)
            file_write, file_read = throughput(FileBlobStore(work / "blobs"))
            s3_write, s3_read = throughput(S3BlobStore(bucket.name, bucket.prefix))
            print(f"64 MiB save:  data dir {file_write:7.1f} MiB/s | S3 (moto) {s3_write:7.1f} MiB/s | "
                  f"ratio S3/data dir {s3_write / file_write:.2f}")
            print(f"64 MiB read:  data dir {file_read:7.1f} MiB/s | S3 (moto) {s3_read:7.1f} MiB/s | "
                  f"ratio S3/data dir {s3_read / file_read:.2f}")
            for label, env in (("data dir", {}), ("S3", helpers.Bucket(s3.url).env)):
                peak, growth, seconds = peak_growth_mib(work / label.replace(" ", "-"), env)
                print(f"200 MB upload through the tool into {label:8}: peak RSS {peak:5.1f} MiB, +{growth:4.1f} MiB "
                      f"({BIG_UPLOAD / helpers.MIB / seconds:5.1f} MiB/s)", flush=True)
    finally:
        s3.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
