"""Storage interfaces the core needs, and the records it stores.

The core never touches a database: each home implements :class:`Store` (Django
models for the XBlocks, SQLAlchemy for the LTI tool) and :class:`BlobStore` (a
Django storage alias, or the LTI data dir). :class:`MemoryStore` is the
reference implementation, used by core tests and as the contract the real
stores are tested against (``tests/core/store_contract.py``).

A learner's work on one activity is a single :class:`LearnerRecord` saved with
optimistic concurrency (``version``), so two tabs or two reviewers cannot
silently overwrite each other. Attempts, choices and proposals only ever grow.
Per-activity counters (``bump_counters``) keep analytics and queue totals at
a flat cost however many learners there are.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from typing import IO, Any, Protocol, runtime_checkable

from .errors import Conflict


@dataclass
class LearnerRecord:
    """One learner's work on one activity. Plain JSON-able data."""

    activity_key: str
    course_key: str
    learner_id: str
    status: str = "not_started"
    option_id: str | None = None
    display_name: str = ""
    version: int = 0
    choices: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    draft: dict[str, Any] | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    updated_at: str = ""
    submitted_at: str | None = None
    # feedback dialogue (core.feedback): append-only; ``replies_read`` is how many staff have seen
    replies: list[dict[str, Any]] = field(default_factory=list)
    replies_read: int = 0
    # grading queue (core.grading_queue): who holds the item now; history goes to ``events``
    claim: dict[str, Any] | None = None
    # accommodations (core.accommodations): append-only, the last one applies
    accommodations: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnerRecord:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def proposal(self) -> dict[str, Any] | None:
        """The latest proposal, if any."""
        return self.proposals[-1] if self.proposals else None

    @property
    def latest_attempt(self) -> dict[str, Any] | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def unread_replies(self) -> int:
        """Learner replies staff have not opened yet (the queue shows the count and filters on :attr:`has_unread`)."""
        return sum(1 for reply in self.replies[self.replies_read:] if reply["author_role"] == "learner")

    @property
    def has_unread(self) -> bool:
        """A 0/1 column in the SQL stores: the queue's "unread" filter is then an equality, read in index order."""
        return self.unread_replies > 0

    @property
    def claimed_by(self) -> str | None:
        """The user id of the grader holding this item (a column too: the queue's "mine / unclaimed")."""
        return self.claim["user_id"] if self.claim else None

    @property
    def sort_name(self) -> str:
        """The queue's ``name`` order: case-folded display name, then (in the stores) learner id."""
        return (self.display_name or "").casefold()[:255]

    def clone(self) -> LearnerRecord:
        return LearnerRecord.from_dict(copy.deepcopy(self.to_dict()))


@runtime_checkable
class Store(Protocol):
    """What each home implements. All methods run inside :meth:`atomic` when they write."""

    def atomic(self) -> AbstractContextManager[None]:
        """A transaction: everything inside commits together or not at all."""

    # learner records -------------------------------------------------------
    def get_record(self, activity_key: str, learner_id: str) -> LearnerRecord | None: ...

    def save_record(self, record: LearnerRecord, expected_version: int) -> None:
        """Insert (``expected_version == 0``) or update; raise :class:`Conflict` if the
        stored version is not ``expected_version``. ``record.version`` is already the new one."""

    def query_records(self, activity_key: str, *, status: str | None, option_id: str | None,
                      offset: int, limit: int, sort: str = "oldest", claimed: str | None = None,
                      unread: bool = False) -> list[LearnerRecord]:
        """A page of the queue, on indexed columns only (flat cost at any size).

        ``sort``: ``oldest`` (``submitted_at`` then learner id ascending, never-submitted last), ``newest``
        (both descending, never-submitted last) or ``name`` (:attr:`LearnerRecord.sort_name`, then learner id).
        ``claimed``: None any, ``""`` unclaimed, else only items that user id claimed.
        ``unread``: only items with :attr:`LearnerRecord.has_unread`."""

    def iter_records(self, activity_key: str) -> Iterator[LearnerRecord]:
        """Every record of an activity, streamed in learner-id order (for exports)."""

    def records_for_learner(self, learner_id: str, course_key: str | None = None) -> list[LearnerRecord]:
        """A learner's records in one course, or everywhere (``course_key=None``, for retirement)."""

    def delete_record(self, activity_key: str, learner_id: str) -> None: ...

    # counters ----------------------------------------------------------------
    def bump_counters(self, activity_key: str, deltas: dict[str, float]) -> None:
        """Add each delta to its named counter atomically (missing counters start at 0)."""

    def get_counters(self, activity_key: str) -> dict[str, float]: ...

    # reflections and profile -----------------------------------------------
    def add_reflection(self, entry: dict[str, Any]) -> None: ...

    def list_reflections(self, course_key: str | None, learner_id: str) -> list[dict[str, Any]]:
        """A learner's reflection entries in time order (``course_key=None``: everywhere)."""

    def delete_reflections(self, course_key: str | None, learner_id: str) -> int: ...

    def list_shared_reflections(self, activity_key: str, *, offset: int,
                                limit: int) -> tuple[list[dict[str, Any]], int]:
        """One page of the entries on this activity that their learners shared with staff, newest first
        (ties: higher id first), and how many there are. Unshared entries never leave the store here."""
        ...

    def get_profile(self, course_key: str, learner_id: str) -> dict[str, Any] | None: ...

    def save_profile(self, course_key: str, learner_id: str, profile: dict[str, Any]) -> None: ...

    def delete_profile(self, course_key: str | None, learner_id: str) -> int: ...

    # file metadata (the bytes live in a BlobStore) ---------------------------
    def save_file_meta(self, meta: dict[str, Any]) -> None: ...

    def get_file_meta(self, file_id: str) -> dict[str, Any] | None: ...

    def delete_file_meta(self, file_id: str) -> None: ...

    def files_for_learner(self, learner_id: str, course_key: str | None = None) -> list[dict[str, Any]]: ...

    def iter_files_before(self, cutoff: str) -> Iterator[dict[str, Any]]:
        """Every file meta whose ``at`` is earlier than ``cutoff`` (ISO), each once, in pages (flat memory).

        For the housekeeping sweep: the caller may delete yielded files while iterating."""

    # the course's comment bank (core.comment_bank) -------------------------------
    def list_bank_comments(self, course_key: str) -> list[dict[str, Any]]:
        """A course's saved comments, oldest first (then id)."""

    def add_bank_comment(self, entry: dict[str, Any]) -> None:
        """Store ``{"id","course_key","criterion_id","text","by","at"}``."""

    def delete_bank_comment(self, course_key: str, comment_id: str) -> bool:
        """Remove one saved comment of that course; False if there was none."""


class BlobStore(Protocol):
    """Where evidence bytes go. Paths are opaque strings chosen by the store."""

    def save(self, suggested_name: str, chunks: Iterable[bytes]) -> str:
        """Write the chunks; if the iterator raises (a size limit), remove what was written and re-raise."""

    def open(self, path: str) -> IO[bytes]: ...

    def delete(self, path: str) -> None: ...


class MemoryStore:
    """The reference :class:`Store`: dicts in memory, deep copies in and out."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self.counters: dict[str, dict[str, float]] = {}
        self.reflections: list[dict[str, Any]] = []
        self.profiles: dict[tuple[str, str], dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.bank: dict[str, dict[str, Any]] = {}

    @contextmanager
    def atomic(self) -> Iterator[None]:
        snapshot = copy.deepcopy((self.records, self.counters, self.reflections, self.profiles, self.files,
                                  self.bank))
        try:
            yield
        except BaseException:
            self.records, self.counters, self.reflections, self.profiles, self.files, self.bank = snapshot
            raise

    def get_record(self, activity_key: str, learner_id: str) -> LearnerRecord | None:
        data = self.records.get((activity_key, learner_id))
        return LearnerRecord.from_dict(copy.deepcopy(data)) if data else None

    def save_record(self, record: LearnerRecord, expected_version: int) -> None:
        key = (record.activity_key, record.learner_id)
        current = self.records.get(key)
        if (current["version"] if current else 0) != expected_version:
            raise Conflict()
        self.records[key] = copy.deepcopy(record.to_dict())

    def _sorted(self, activity_key: str, sort: str) -> list[LearnerRecord]:
        rows = [LearnerRecord.from_dict(copy.deepcopy(r)) for (a, _), r in self.records.items() if a == activity_key]
        rows.sort(key=lambda r: r.learner_id)
        if sort == "name":
            rows.sort(key=lambda r: r.sort_name)
        else:
            # by time then learner id (both descending for ``newest``: one index read backwards), then
            # never-submitted last (a stable sort keeps the order within each group)
            rows.sort(key=lambda r: (r.submitted_at or "", r.learner_id), reverse=sort == "newest")
            rows.sort(key=lambda r: r.submitted_at is None)
        return rows

    def query_records(self, activity_key: str, *, status: str | None, option_id: str | None,
                      offset: int, limit: int, sort: str = "oldest", claimed: str | None = None,
                      unread: bool = False) -> list[LearnerRecord]:
        rows = [r for r in self._sorted(activity_key, sort)
                if (status is None or r.status == status) and (option_id is None or r.option_id == option_id)
                and (claimed is None or (r.claimed_by or "") == claimed) and (not unread or r.has_unread)]
        return rows[offset:offset + limit]

    def iter_records(self, activity_key: str) -> Iterator[LearnerRecord]:
        rows = sorted((r for (a, _), r in self.records.items() if a == activity_key), key=lambda r: r["learner_id"])
        for row in rows:
            yield LearnerRecord.from_dict(copy.deepcopy(row))

    def records_for_learner(self, learner_id: str, course_key: str | None = None) -> list[LearnerRecord]:
        return [LearnerRecord.from_dict(copy.deepcopy(r)) for r in self.records.values()
                if r["learner_id"] == learner_id and (course_key is None or r["course_key"] == course_key)]

    def delete_record(self, activity_key: str, learner_id: str) -> None:
        self.records.pop((activity_key, learner_id), None)

    def bump_counters(self, activity_key: str, deltas: dict[str, float]) -> None:
        counters = self.counters.setdefault(activity_key, {})
        for name, delta in deltas.items():
            counters[name] = counters.get(name, 0) + delta

    def get_counters(self, activity_key: str) -> dict[str, float]:
        return dict(self.counters.get(activity_key, {}))

    def add_reflection(self, entry: dict[str, Any]) -> None:
        self.reflections.append(copy.deepcopy(entry))

    def list_reflections(self, course_key: str | None, learner_id: str) -> list[dict[str, Any]]:
        rows = [copy.deepcopy(e) for e in self.reflections
                if e["learner_id"] == learner_id and (course_key is None or e["course_key"] == course_key)]
        return sorted(rows, key=lambda e: (e["at"], e["id"]))

    def delete_reflections(self, course_key: str | None, learner_id: str) -> int:
        keep = [e for e in self.reflections
                if not (e["learner_id"] == learner_id and (course_key is None or e["course_key"] == course_key))]
        removed = len(self.reflections) - len(keep)
        self.reflections = keep
        return removed

    def list_shared_reflections(self, activity_key: str, *, offset: int,
                                limit: int) -> tuple[list[dict[str, Any]], int]:
        rows = [e for e in self.reflections if e["activity_key"] == activity_key and e.get("share_with_staff")]
        rows.sort(key=lambda e: (e["at"], e["id"]), reverse=True)
        return [copy.deepcopy(e) for e in rows[offset:offset + limit]], len(rows)

    def get_profile(self, course_key: str, learner_id: str) -> dict[str, Any] | None:
        profile = self.profiles.get((course_key, learner_id))
        return copy.deepcopy(profile) if profile else None

    def save_profile(self, course_key: str, learner_id: str, profile: dict[str, Any]) -> None:
        self.profiles[(course_key, learner_id)] = copy.deepcopy(profile)

    def delete_profile(self, course_key: str | None, learner_id: str) -> int:
        keys = [k for k in self.profiles if k[1] == learner_id and (course_key is None or k[0] == course_key)]
        for key in keys:
            del self.profiles[key]
        return len(keys)

    def save_file_meta(self, meta: dict[str, Any]) -> None:
        self.files[meta["file_id"]] = copy.deepcopy(meta)

    def get_file_meta(self, file_id: str) -> dict[str, Any] | None:
        meta = self.files.get(file_id)
        return copy.deepcopy(meta) if meta else None

    def delete_file_meta(self, file_id: str) -> None:
        self.files.pop(file_id, None)

    def files_for_learner(self, learner_id: str, course_key: str | None = None) -> list[dict[str, Any]]:
        return [copy.deepcopy(m) for m in self.files.values()
                if m["learner_id"] == learner_id and (course_key is None or m["course_key"] == course_key)]

    def iter_files_before(self, cutoff: str) -> Iterator[dict[str, Any]]:
        old = sorted((m for m in self.files.values() if m["at"] < cutoff), key=lambda m: (m["at"], m["file_id"]))
        for meta in old:
            yield copy.deepcopy(meta)

    def list_bank_comments(self, course_key: str) -> list[dict[str, Any]]:
        rows = [copy.deepcopy(e) for e in self.bank.values() if e["course_key"] == course_key]
        return sorted(rows, key=lambda e: (e["at"], e["id"]))

    def add_bank_comment(self, entry: dict[str, Any]) -> None:
        self.bank[entry["id"]] = copy.deepcopy(entry)

    def delete_bank_comment(self, course_key: str, comment_id: str) -> bool:
        entry = self.bank.get(comment_id)
        if entry is None or entry["course_key"] != course_key:
            return False
        del self.bank[comment_id]
        return True


class MemoryBlobStore:
    """In-memory :class:`BlobStore` for tests."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self._next = 0

    def save(self, suggested_name: str, chunks: Iterable[bytes]) -> str:
        self._next += 1
        path = f"mem/{self._next}/{suggested_name}"
        self.blobs[path] = b"".join(chunks)
        return path

    def open(self, path: str) -> IO[bytes]:
        import io
        return io.BytesIO(self.blobs[path])

    def delete(self, path: str) -> None:
        self.blobs.pop(path, None)
