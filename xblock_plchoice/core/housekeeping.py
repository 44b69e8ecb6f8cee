"""Evidence files nobody uses: which ones, and deleting them without ever breaking a learner's work.

A learner uploads a file, then may never attach it (a second try, a closed
tab). Such a file counts against their quota (:mod:`.quota`) and fills the disk,
so a sweep deletes files that no draft or attempt references once they are
older than a grace period (a day by default: long enough for any draft in
progress). Each home decides when to sweep; the LTI tool does it in its
outbox worker and with ``plchoice-lti housekeeping``.

Safety, per file, in one transaction: re-read the file and the learner's
record, keep the file if the record references it, else delete the metadata
*and* save the record with its version bumped. A learner attaching the file at
that moment saves the same record against the old version, so exactly one of
the two wins (:class:`~.errors.Conflict` for the other): either the sweep backs
off, or the learner is told the file no longer exists and to upload it again.
The bytes go only after that commit, so metadata never points at nothing; a
crash in between leaves bytes without metadata, which no learner can reach
(the home may sweep those, see ``lti_tool.lti.housekeeping``).

A file can only be attached in its own activity (``evidence.resolve_files``),
so the record of that activity is the only one that can reference it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import Conflict
from .privacy import referenced_file_ids
from .store import BlobStore, Store

log = logging.getLogger(__name__)

ORPHAN_AFTER = timedelta(hours=24)


@dataclass
class SweepReport:
    files: int = 0  # deleted
    bytes: int = 0  # their size
    kept: int = 0  # old, but a draft or an attempt uses them
    busy: int = 0  # the learner's record changed under the sweep: left for the next sweep
    blob_errors: int = 0  # metadata deleted but the bytes could not be (logged with their path)


def orphan_cutoff(now: datetime, older_than: timedelta = ORPHAN_AFTER) -> str:
    """The upload time (ISO, the format of file metas) before which an unused file is deleted."""
    return (now - older_than).astimezone(UTC).isoformat(timespec="microseconds")


def delete_if_orphan(store: Store, file_id: str, cutoff: str) -> dict[str, Any] | None:
    """Delete the file's metadata if it is old and unused; return it, or None if it stays.

    Raises :class:`Conflict` when the learner's record changed meanwhile (nothing is deleted).
    """
    with store.atomic():
        meta = store.get_file_meta(file_id)
        if meta is None or meta.get("at", "") >= cutoff:
            return None
        # a feedback recording belongs to the reviewed learner's record, not to the grader who made it
        record = store.get_record(meta["activity_key"], meta.get("feedback_for") or meta["learner_id"])
        if record is not None:
            if file_id in referenced_file_ids(record):
                return None
            expected = record.version
            record.version = expected + 1  # a concurrent attach of this file now conflicts with us
            store.save_record(record, expected)
        store.delete_file_meta(file_id)
        return meta


def sweep_orphans(store: Store, blobs: BlobStore | None, cutoff: str, *,
                  candidates: Iterable[dict[str, Any]] | None = None) -> SweepReport:
    """Delete every unused file uploaded before ``cutoff``: metadata first, then the bytes.

    ``candidates`` defaults to ``store.iter_files_before(cutoff)``; a home may list them
    from a read-only store instead. Each candidate is checked again before it goes.
    """
    report = SweepReport()
    for candidate in candidates if candidates is not None else store.iter_files_before(cutoff):
        try:
            meta = delete_if_orphan(store, candidate["file_id"], cutoff)
        except Conflict:
            report.busy += 1
            continue
        if meta is None:
            report.kept += 1
            continue
        report.files += 1
        report.bytes += int(meta.get("size") or 0)
        if blobs is None:
            continue
        try:
            blobs.delete(meta["path"])
        except Exception:  # noqa: BLE001 - any storage error: the metadata is gone, the bytes are unreachable
            report.blob_errors += 1
            log.warning("PL Choice housekeeping could not delete a stored file; delete it by hand: %s",
                        meta["path"], exc_info=True)
    return report
