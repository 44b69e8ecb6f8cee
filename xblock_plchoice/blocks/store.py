"""The core's :class:`~xblock_plchoice.core.store.Store` on Django models, and a
:class:`~xblock_plchoice.core.store.BlobStore` on a Django storage.

Behaviour matches ``core.store.MemoryStore`` exactly (the same contract tests run
against both). Writes use the database for what it is good at: a unique
constraint plus a version check for optimistic concurrency, ``F()`` expressions
for counters, and indexed columns for the queue page.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F

from ..core.errors import Conflict
from ..core.store import LearnerRecord
from .models import BankCommentRow, CounterRow, FileRow, LearnerRecordRow, ProfileRow, ReflectionRow

#: Queue orders (core.store.Store.query_records): each one an index read forwards or backwards.
_ORDERS = {
    "oldest": (F("submitted_at").asc(nulls_last=True), F("learner_id").asc()),
    "newest": (F("submitted_at").desc(nulls_last=True), F("learner_id").desc()),
    "name": (F("sort_name").asc(), F("learner_id").asc()),
}

#: ``iter_records`` reads this many rows per query, so exports stream at flat memory.
ITER_BATCH = 500


def _columns(record: LearnerRecord) -> dict[str, Any]:
    return {
        "course_key": record.course_key,
        "status": record.status,
        "option_id": record.option_id,
        "submitted_at": record.submitted_at,
        "version": record.version,
        "sort_name": record.sort_name,
        "claimed_by": record.claimed_by,
        "has_unread": record.has_unread,
        "data": record.to_dict(),
    }


def _record(row_data: dict[str, Any]) -> LearnerRecord:
    return LearnerRecord.from_dict(row_data)


class DjangoStore:
    """The Open edX home's store. Stateless: one instance per request is fine."""

    def atomic(self) -> AbstractContextManager[None]:
        return transaction.atomic()

    # learner records -------------------------------------------------------
    def get_record(self, activity_key: str, learner_id: str) -> LearnerRecord | None:
        data = (LearnerRecordRow.objects.filter(activity_key=activity_key, learner_id=learner_id)
                .values_list("data", flat=True).first())
        return _record(data) if data is not None else None

    def save_record(self, record: LearnerRecord, expected_version: int) -> None:
        columns = _columns(record)
        if expected_version == 0:
            try:
                # A savepoint, so a lost race leaves the caller's transaction usable.
                with transaction.atomic():
                    LearnerRecordRow.objects.create(activity_key=record.activity_key,
                                                    learner_id=record.learner_id, **columns)
            except IntegrityError as error:
                raise Conflict() from error
            return
        updated = LearnerRecordRow.objects.filter(
            activity_key=record.activity_key, learner_id=record.learner_id, version=expected_version,
        ).update(**columns)
        if updated != 1:
            raise Conflict()

    def query_records(self, activity_key: str, *, status: str | None, option_id: str | None,
                      offset: int, limit: int, sort: str = "oldest", claimed: str | None = None,
                      unread: bool = False) -> list[LearnerRecord]:
        rows = LearnerRecordRow.objects.filter(activity_key=activity_key)
        if status is not None:
            rows = rows.filter(status=status)
        if option_id is not None:
            rows = rows.filter(option_id=option_id)
        if claimed is not None:
            rows = rows.filter(claimed_by=claimed) if claimed else rows.filter(claimed_by__isnull=True)
        if unread:
            rows = rows.filter(has_unread=True)
        rows = rows.order_by(*_ORDERS[sort])
        return [_record(data) for data in rows.values_list("data", flat=True)[offset:offset + limit]]

    def iter_records(self, activity_key: str) -> Iterator[LearnerRecord]:
        # Keyset pagination instead of one cursor: works on every backend and
        # never holds more than one batch in memory.
        last: str | None = None
        while True:
            rows = LearnerRecordRow.objects.filter(activity_key=activity_key)
            if last is not None:
                rows = rows.filter(learner_id__gt=last)
            batch = list(rows.order_by("learner_id").values_list("learner_id", "data")[:ITER_BATCH])
            if not batch:
                return
            for _learner, data in batch:
                yield _record(data)
            last = batch[-1][0]

    def records_for_learner(self, learner_id: str, course_key: str | None = None) -> list[LearnerRecord]:
        rows = LearnerRecordRow.objects.filter(learner_id=learner_id)
        if course_key is not None:
            rows = rows.filter(course_key=course_key)
        return [_record(data) for data in rows.order_by("activity_key").values_list("data", flat=True)]

    def delete_record(self, activity_key: str, learner_id: str) -> None:
        LearnerRecordRow.objects.filter(activity_key=activity_key, learner_id=learner_id).delete()

    # counters ----------------------------------------------------------------
    def bump_counters(self, activity_key: str, deltas: dict[str, float]) -> None:
        for name, delta in deltas.items():
            if CounterRow.objects.filter(activity_key=activity_key, name=name).update(value=F("value") + delta):
                continue
            try:
                with transaction.atomic():
                    CounterRow.objects.create(activity_key=activity_key, name=name, value=delta)
            except IntegrityError:
                # Another request created it between our update and insert: add to theirs.
                CounterRow.objects.filter(activity_key=activity_key, name=name).update(value=F("value") + delta)

    def get_counters(self, activity_key: str) -> dict[str, float]:
        return dict(CounterRow.objects.filter(activity_key=activity_key).values_list("name", "value"))

    # reflections and profile -----------------------------------------------
    def add_reflection(self, entry: dict[str, Any]) -> None:
        ReflectionRow.objects.create(entry_id=entry["id"], course_key=entry["course_key"],
                                     learner_id=entry["learner_id"], at=entry["at"], data=entry,
                                     activity_key=entry["activity_key"],
                                     shared=bool(entry.get("share_with_staff")))

    def _reflections(self, course_key: str | None, learner_id: str):
        rows = ReflectionRow.objects.filter(learner_id=learner_id)
        return rows.filter(course_key=course_key) if course_key is not None else rows

    def list_reflections(self, course_key: str | None, learner_id: str) -> list[dict[str, Any]]:
        rows = self._reflections(course_key, learner_id).order_by("at", "entry_id")
        return list(rows.values_list("data", flat=True))

    def delete_reflections(self, course_key: str | None, learner_id: str) -> int:
        deleted, _ = self._reflections(course_key, learner_id).delete()
        return deleted

    def list_shared_reflections(self, activity_key: str, *, offset: int,
                                limit: int) -> tuple[list[dict[str, Any]], int]:
        rows = ReflectionRow.objects.filter(activity_key=activity_key, shared=True)
        page = rows.order_by("-at", "-entry_id")[offset:offset + limit]
        return list(page.values_list("data", flat=True)), rows.count()

    def get_profile(self, course_key: str, learner_id: str) -> dict[str, Any] | None:
        return (ProfileRow.objects.filter(course_key=course_key, learner_id=learner_id)
                .values_list("data", flat=True).first())

    def save_profile(self, course_key: str, learner_id: str, profile: dict[str, Any]) -> None:
        ProfileRow.objects.update_or_create(course_key=course_key, learner_id=learner_id,
                                            defaults={"data": profile})

    def delete_profile(self, course_key: str | None, learner_id: str) -> int:
        rows = ProfileRow.objects.filter(learner_id=learner_id)
        if course_key is not None:
            rows = rows.filter(course_key=course_key)
        deleted, _ = rows.delete()
        return deleted

    # file metadata -----------------------------------------------------------
    def save_file_meta(self, meta: dict[str, Any]) -> None:
        FileRow.objects.update_or_create(file_id=meta["file_id"], defaults={
            "course_key": meta["course_key"], "learner_id": meta["learner_id"], "data": meta})

    def get_file_meta(self, file_id: str) -> dict[str, Any] | None:
        return FileRow.objects.filter(file_id=file_id).values_list("data", flat=True).first()

    def delete_file_meta(self, file_id: str) -> None:
        FileRow.objects.filter(file_id=file_id).delete()

    def files_for_learner(self, learner_id: str, course_key: str | None = None) -> list[dict[str, Any]]:
        rows = FileRow.objects.filter(learner_id=learner_id)
        if course_key is not None:
            rows = rows.filter(course_key=course_key)
        return list(rows.order_by("id").values_list("data", flat=True))

    def iter_files_before(self, cutoff: str) -> Iterator[dict[str, Any]]:
        # The upload time is only in the JSON here (no column to index, and this home runs no sweep),
        # so this walks every file in keyset batches: flat memory, and safe to delete while iterating.
        last = 0
        while True:
            batch = list(FileRow.objects.filter(id__gt=last).order_by("id").values_list("id", "data")[:ITER_BATCH])
            if not batch:
                return
            for _row_id, data in batch:
                if data.get("at", "") < cutoff:
                    yield data
            last = batch[-1][0]


    # the course's comment bank ---------------------------------------------------
    def list_bank_comments(self, course_key: str) -> list[dict[str, Any]]:
        rows = BankCommentRow.objects.filter(course_key=course_key).order_by("at", "entry_id")
        return list(rows.values_list("data", flat=True))

    def add_bank_comment(self, entry: dict[str, Any]) -> None:
        BankCommentRow.objects.create(entry_id=entry["id"], course_key=entry["course_key"], at=entry["at"],
                                      data=entry)

    def delete_bank_comment(self, course_key: str, comment_id: str) -> bool:
        deleted, _ = BankCommentRow.objects.filter(course_key=course_key, entry_id=comment_id).delete()
        return bool(deleted)


# --------------------------------------------------------------------------- blobs
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
#: Spool uploads in memory up to this size before the temporary file touches disk.
_SPOOL_BYTES = 1024 * 1024


def plchoice_storage():
    """``STORAGES["plchoice"]`` if the operator configured it, else Django's default storage."""
    from django.core.files.storage import default_storage, storages

    if "plchoice" in getattr(settings, "STORAGES", {}):
        return storages["plchoice"]
    return default_storage


def safe_file_name(name: str) -> str:
    """A storage-safe name that keeps the extension readable (no paths, no odd bytes)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "file"
    return cleaned[-100:]


class DjangoBlobStore:
    """Evidence bytes in a Django storage, under ``plchoice/<random>/<safe name>``."""

    def __init__(self, storage: Any = None) -> None:
        self.storage = storage if storage is not None else plchoice_storage()

    def save(self, suggested_name: str, chunks: Iterable[bytes]) -> str:
        # Django storages need a File; spooling keeps small files off the disk and
        # large ones out of memory.
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            for chunk in chunks:
                spool.write(chunk)
            spool.seek(0)
            name = f"plchoice/{uuid.uuid4().hex}/{safe_file_name(suggested_name)}"
            return self.storage.save(name, File(spool, name=name))

    def open(self, path: str) -> IO[bytes]:
        return self.storage.open(path, "rb")

    def delete(self, path: str) -> None:
        self.storage.delete(path)
