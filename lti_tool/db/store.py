"""The core's :class:`~xblock_plchoice.core.store.Store` on SQLAlchemy (the data-dir BlobStore moved to
:mod:`lti_tool.blobs.files`; it is re-exported here so older imports keep working).

Semantics follow ``MemoryStore`` exactly (it is the contract): optimistic
versions, counters bumped with ``UPDATE value = value + delta`` in one
statement, queue pages ordered by ``submitted_at`` (never-submitted last) then
learner id. One :class:`SqlStore` wraps one request's session; ``atomic``
commits only at the outermost level so a grade-sink outbox row written in the
same session commits together with the decision it reports.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from lti_tool.blobs.files import FileBlobStore  # noqa: F401 - re-export, see the docstring
from xblock_plchoice.core.errors import Conflict
from xblock_plchoice.core.store import LearnerRecord

from .models import BankCommentRow, Counter, FileMetaRow, LearnerRecordRow, ProfileRow, ReflectionRow

ITER_BATCH = 200


def _is_lock_clash(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "busy" in text


class SqlStore:
    """A Store over one SQLAlchemy session (one per request)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._depth = 0

    @contextmanager
    def atomic(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
            if self._depth == 1:
                self.session.commit()
        except OperationalError as exc:
            self._depth -= 1
            if self._depth == 0:
                self.session.rollback()
            if _is_lock_clash(exc):  # SQLite: another worker wrote first
                raise Conflict() from exc
            raise
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.session.rollback()
            raise
        else:
            self._depth -= 1

    # learner records ---------------------------------------------------------
    def get_record(self, activity_key: str, learner_id: str) -> LearnerRecord | None:
        row = self.session.get(LearnerRecordRow, (activity_key, learner_id), populate_existing=True)
        return LearnerRecord.from_dict(copy.deepcopy(row.data)) if row else None

    def save_record(self, record: LearnerRecord, expected_version: int) -> None:
        data = copy.deepcopy(record.to_dict())
        columns = {"course_key": record.course_key, "status": record.status, "option_id": record.option_id,
                   "submitted_at": record.submitted_at, "version": record.version, "sort_name": record.sort_name,
                   "claimed_by": record.claimed_by, "has_unread": record.has_unread, "data": data}
        if expected_version == 0:
            try:
                with self.session.begin_nested():
                    self.session.add(LearnerRecordRow(activity_key=record.activity_key,
                                                      learner_id=record.learner_id, **columns))
            except IntegrityError as exc:  # someone inserted the same learner first
                raise Conflict() from exc
            return
        result = self.session.execute(
            update(LearnerRecordRow)
            .where(LearnerRecordRow.activity_key == record.activity_key,
                   LearnerRecordRow.learner_id == record.learner_id,
                   LearnerRecordRow.version == expected_version)
            .values(**columns)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise Conflict()

    def query_records(self, activity_key: str, *, status: str | None, option_id: str | None,
                      offset: int, limit: int, sort: str = "oldest", claimed: str | None = None,
                      unread: bool = False) -> list[LearnerRecord]:
        row = LearnerRecordRow
        query = select(row.data).where(row.activity_key == activity_key)
        if status is not None:
            query = query.where(row.status == status)
        if option_id is not None:
            query = query.where(row.option_id == option_id)
        if claimed is not None:
            query = query.where(row.claimed_by == claimed if claimed else row.claimed_by.is_(None))
        if unread:
            query = query.where(row.has_unread.is_(True))
        # NULLS LAST rather than ``submitted_at IS NULL`` first: the expression made SQLite sort every matching
        # row in a temporary B-tree; this way each order is an index read (see EXPLAIN in the contract test)
        orders = {
            "oldest": (row.submitted_at.asc().nulls_last(), row.learner_id),
            "newest": (row.submitted_at.desc().nulls_last(), row.learner_id.desc()),
            "name": (row.sort_name, row.learner_id),
        }
        query = query.order_by(*orders[sort]).offset(max(offset, 0)).limit(max(limit, 0))
        return [LearnerRecord.from_dict(copy.deepcopy(data)) for data in self.session.scalars(query)]

    def iter_records(self, activity_key: str) -> Iterator[LearnerRecord]:
        """Keyset pagination by learner id: memory stays flat and no cursor is held open between batches."""
        after = ""
        while True:
            rows = self.session.scalars(
                select(LearnerRecordRow.data)
                .where(LearnerRecordRow.activity_key == activity_key, LearnerRecordRow.learner_id > after)
                .order_by(LearnerRecordRow.learner_id).limit(ITER_BATCH)).all()
            for data in rows:
                yield LearnerRecord.from_dict(copy.deepcopy(data))
            if len(rows) < ITER_BATCH:
                return
            after = rows[-1]["learner_id"]

    def records_for_learner(self, learner_id: str, course_key: str | None = None) -> list[LearnerRecord]:
        query = select(LearnerRecordRow.data).where(LearnerRecordRow.learner_id == learner_id)
        if course_key is not None:
            query = query.where(LearnerRecordRow.course_key == course_key)
        return [LearnerRecord.from_dict(copy.deepcopy(d)) for d in self.session.scalars(query)]

    def delete_record(self, activity_key: str, learner_id: str) -> None:
        self.session.execute(delete(LearnerRecordRow).where(
            LearnerRecordRow.activity_key == activity_key, LearnerRecordRow.learner_id == learner_id))

    # counters ------------------------------------------------------------------
    def bump_counters(self, activity_key: str, deltas: dict[str, float]) -> None:
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for name, delta in sorted(deltas.items()):  # a fixed order: no deadlock between two writers
            statement = insert(Counter).values(activity_key=activity_key, name=name, value=float(delta))
            statement = statement.on_conflict_do_update(
                index_elements=[Counter.activity_key, Counter.name],
                set_={"value": Counter.value + statement.excluded.value})
            self.session.execute(statement)

    def get_counters(self, activity_key: str) -> dict[str, float]:
        rows = self.session.execute(select(Counter.name, Counter.value).where(Counter.activity_key == activity_key))
        return dict(rows.all())

    # reflections and profiles ----------------------------------------------------
    def add_reflection(self, entry: dict[str, Any]) -> None:
        self.session.add(ReflectionRow(id=entry["id"], learner_id=entry["learner_id"],
                                       course_key=entry["course_key"], at=entry["at"], data=copy.deepcopy(entry),
                                       activity_key=entry["activity_key"],
                                       shared=bool(entry.get("share_with_staff"))))
        self.session.flush()

    def list_reflections(self, course_key: str | None, learner_id: str) -> list[dict[str, Any]]:
        query = select(ReflectionRow.data).where(ReflectionRow.learner_id == learner_id)
        if course_key is not None:
            query = query.where(ReflectionRow.course_key == course_key)
        query = query.order_by(ReflectionRow.at, ReflectionRow.id)
        return [copy.deepcopy(d) for d in self.session.scalars(query)]

    def delete_reflections(self, course_key: str | None, learner_id: str) -> int:
        statement = delete(ReflectionRow).where(ReflectionRow.learner_id == learner_id)
        if course_key is not None:
            statement = statement.where(ReflectionRow.course_key == course_key)
        return self.session.execute(statement).rowcount or 0

    def list_shared_reflections(self, activity_key: str, *, offset: int,
                                limit: int) -> tuple[list[dict[str, Any]], int]:
        where = (ReflectionRow.activity_key == activity_key, ReflectionRow.shared.is_(True))
        query = (select(ReflectionRow.data).where(*where)
                 .order_by(ReflectionRow.at.desc(), ReflectionRow.id.desc()).offset(offset).limit(limit))
        total = self.session.scalar(select(func.count()).select_from(ReflectionRow).where(*where)) or 0
        return [copy.deepcopy(d) for d in self.session.scalars(query)], int(total)

    def get_profile(self, course_key: str, learner_id: str) -> dict[str, Any] | None:
        row = self.session.get(ProfileRow, (course_key, learner_id), populate_existing=True)
        return copy.deepcopy(row.data) if row else None

    def save_profile(self, course_key: str, learner_id: str, profile: dict[str, Any]) -> None:
        self.session.merge(ProfileRow(course_key=course_key, learner_id=learner_id, data=copy.deepcopy(profile)))
        self.session.flush()

    def delete_profile(self, course_key: str | None, learner_id: str) -> int:
        statement = delete(ProfileRow).where(ProfileRow.learner_id == learner_id)
        if course_key is not None:
            statement = statement.where(ProfileRow.course_key == course_key)
        return self.session.execute(statement).rowcount or 0

    # file metadata ---------------------------------------------------------------
    def save_file_meta(self, meta: dict[str, Any]) -> None:
        self.session.merge(FileMetaRow(file_id=meta["file_id"], learner_id=meta["learner_id"],
                                       course_key=meta["course_key"], created_at=meta.get("at"),
                                       data=copy.deepcopy(meta)))
        self.session.flush()

    def get_file_meta(self, file_id: str) -> dict[str, Any] | None:
        row = self.session.get(FileMetaRow, file_id, populate_existing=True)
        return copy.deepcopy(row.data) if row else None

    def delete_file_meta(self, file_id: str) -> None:
        self.session.execute(delete(FileMetaRow).where(FileMetaRow.file_id == file_id))

    def files_for_learner(self, learner_id: str, course_key: str | None = None) -> list[dict[str, Any]]:
        query = select(FileMetaRow.data).where(FileMetaRow.learner_id == learner_id)
        if course_key is not None:
            query = query.where(FileMetaRow.course_key == course_key)
        return [copy.deepcopy(d) for d in self.session.scalars(query)]

    def iter_files_before(self, cutoff: str) -> Iterator[dict[str, Any]]:
        """Keyset pages on the ``(created_at, file_id)`` index: flat memory, and deleting as we go is safe."""
        after: tuple[str, str] | None = None
        while True:
            query = select(FileMetaRow.created_at, FileMetaRow.file_id, FileMetaRow.data).where(
                FileMetaRow.created_at < cutoff)
            if after is not None:
                query = query.where(or_(FileMetaRow.created_at > after[0],
                                        and_(FileMetaRow.created_at == after[0], FileMetaRow.file_id > after[1])))
            rows = self.session.execute(query.order_by(FileMetaRow.created_at, FileMetaRow.file_id)
                                        .limit(ITER_BATCH)).all()
            for _at, _file_id, data in rows:
                yield copy.deepcopy(data)
            if len(rows) < ITER_BATCH:
                return
            after = (rows[-1][0], rows[-1][1])

    # the course's comment bank -------------------------------------------------------
    def list_bank_comments(self, course_key: str) -> list[dict[str, Any]]:
        query = (select(BankCommentRow.data).where(BankCommentRow.course_key == course_key)
                 .order_by(BankCommentRow.at, BankCommentRow.id))
        return [copy.deepcopy(d) for d in self.session.scalars(query)]

    def add_bank_comment(self, entry: dict[str, Any]) -> None:
        self.session.add(BankCommentRow(id=entry["id"], course_key=entry["course_key"], at=entry["at"],
                                        data=copy.deepcopy(entry)))
        self.session.flush()

    def delete_bank_comment(self, course_key: str, comment_id: str) -> bool:
        result = self.session.execute(delete(BankCommentRow).where(
            BankCommentRow.course_key == course_key, BankCommentRow.id == comment_id))
        return bool(result.rowcount)

    def count_records(self, activity_key: str) -> int:
        """Rows of one activity (used by health checks and tests, not by the core)."""
        return self.session.scalar(select(func.count()).select_from(LearnerRecordRow)
                                   .where(LearnerRecordRow.activity_key == activity_key)) or 0
