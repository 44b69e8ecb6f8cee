"""The tool's housekeeping: evidence files nobody uses are deleted (rules in ``core.housekeeping``).

Runs in two ways:

* in the AGS outbox worker (:mod:`.outbox`): every worker thread calls its
  :class:`Housekeeper` after each delivery round; it sweeps at most every
  ``PLCHOICE_HOUSEKEEPING_INTERVAL`` seconds, and only the process that wins the
  shared ``housekeeping-lock`` (an atomic ``add_once`` in the launch store, with
  the interval as its lifetime) sweeps in that interval, so N gunicorn workers do
  one sweep, not N;
* ``plchoice-lti housekeeping`` sweeps now and prints what it deleted.

Candidates are listed from a read-only session (on SQLite it takes no write lock)
and each one is deleted in its own short transaction, so learners never wait on
the sweep. Bytes go through ``BlobStore.delete``: any blob store works unchanged.

Not swept: bytes whose metadata is gone because a process died between the
metadata commit and the blob delete, or because a delete failed (logged with the
path). No learner can reach them; an operator removes them by hand if needed.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from lti_tool.blobs import make_blob_store
from lti_tool.config import Settings
from lti_tool.db.session import reader
from lti_tool.db.store import SqlStore
from xblock_plchoice.core.evidence import human_size
from xblock_plchoice.core.housekeeping import SweepReport, orphan_cutoff, sweep_orphans
from xblock_plchoice.core.store import BlobStore

from .launch_storage import LaunchStore, make_launch_store

log = logging.getLogger(__name__)

LOCK_KEY = "housekeeping-lock"


def sweep(sessions: sessionmaker[Session], blobs: BlobStore, settings: Settings,
          now: datetime | None = None) -> SweepReport:
    """Delete files no draft or attempt uses, uploaded more than ``PLCHOICE_ORPHAN_AFTER_SECONDS`` ago."""
    cutoff = orphan_cutoff(now or datetime.now(UTC), timedelta(seconds=settings.orphan_after_seconds))
    with reader(sessions)() as listing, sessions() as writing:
        candidates = SqlStore(listing).iter_files_before(cutoff)
        return sweep_orphans(SqlStore(writing), blobs, cutoff, candidates=candidates)


def describe(report: SweepReport) -> str:
    """One line for people: what was deleted and what was left."""
    size = f"{report.bytes} bytes" + (f", {human_size(report.bytes)}" if report.bytes >= 1024 else "")
    line = (f"Deleted {report.files} file{'' if report.files == 1 else 's'} ({size}) that no draft or attempt "
            f"used; kept {report.kept} old file(s) still in use.")
    if report.busy:
        line += f" {report.busy} changed during the sweep and wait for the next one."
    if report.blob_errors:
        line += f" {report.blob_errors} stored file(s) could not be deleted (see the log)."
    return line


class Housekeeper:
    """What the outbox worker calls after each round; sweeps when due and when it wins the shared lock."""

    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore, launch_store: LaunchStore,
                 settings: Settings) -> None:
        self.sessions, self.blobs, self.launch_store, self.settings = sessions, blobs, launch_store, settings
        self.next_try = 0.0  # monotonic: this thread asks for the lock at most once per interval

    @classmethod
    def for_tool(cls, tool: Any) -> Housekeeper:
        """From a running app's ``ToolServices``."""
        return cls(tool.sessions, tool.blobs, tool.launch_store, tool.settings)

    @classmethod
    def from_settings(cls, settings: Settings, sessions: sessionmaker[Session]) -> Housekeeper:
        """For ``plchoice-lti outbox run``: the same blob and launch stores the web app uses."""
        return cls(sessions, make_blob_store(settings),
                   make_launch_store(settings.redis_url, sessions), settings)

    def __call__(self) -> SweepReport | None:
        interval = self.settings.housekeeping_interval
        if time.monotonic() < self.next_try:
            return None
        self.next_try = time.monotonic() + interval
        owner = {"owner": f"{socket.gethostname()}:{os.getpid()}", "at": datetime.now(UTC).isoformat()}
        if not self.launch_store.add_once(LOCK_KEY, owner, max(1, math.ceil(interval))):
            return None  # another process swept within the interval
        report = sweep(self.sessions, self.blobs, self.settings)
        if report.files or report.busy or report.blob_errors:
            log.info("PL Choice housekeeping: %s", describe(report))
        return report
