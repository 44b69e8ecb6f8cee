"""The SQLAlchemy store on SQLite passes the core's store contract, and its own concurrency checks."""

from __future__ import annotations

import pytest

from tests.core.store_contract import record

from .sql_store_harness import SqlStoreContract


class TestSqliteStore(SqlStoreContract):
    @pytest.fixture
    def database_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"

    def test_two_sessions_conflict_on_the_same_version(self):
        first, second = self.make_store(), self.make_store()
        with first.atomic():
            first.save_record(record("bob", status="chosen"), 0)
        # Each read ends its transaction, as a request does before another one reads: on SQLite a
        # transaction begins IMMEDIATE (holds the write lock), so two open ones in one thread would wait.
        a = first.get_record("act-1", "bob")
        first.session.commit()
        b = second.get_record("act-1", "bob")
        second.session.commit()
        a.version = b.version = 2
        with first.atomic():
            first.save_record(a, 1)
        from xblock_plchoice.core.errors import Conflict
        with pytest.raises(Conflict):
            with second.atomic():
                second.save_record(b, 1)

    def test_counters_from_many_threads_add_up(self):
        assert self.bump_from_threads({"chosen": 1, "total": 0.5}, per_thread=20) == {"chosen": 80, "total": 40}

    def test_blob_paths_cannot_escape_the_root(self):
        from xblock_plchoice.core.errors import NotFound
        blobs = self.make_blobs()
        with pytest.raises(NotFound):
            blobs.open("../../etc/passwd")
        saved = blobs.save("../../evil.sh", iter([b"x"]))
        assert ".." not in saved and saved.endswith(".sh")

    def test_iter_records_streams_in_learner_order_across_batches(self):
        store = self.make_store()
        with store.atomic():
            for n in range(450):
                store.save_record(record(f"l{n:04d}"), 0)
        ids = [r.learner_id for r in store.iter_records("act-1")]
        assert ids == sorted(ids) and len(ids) == 450


QUEUE_SHAPES = [{}, {"sort": "newest"}, {"sort": "name"}, {"unread": True}, {"claimed": "g1"}, {"claimed": ""},
                {"status": "submitted"}, {"status": "submitted", "unread": True, "sort": "newest"}]


@pytest.mark.parametrize("shape", QUEUE_SHAPES)
def test_every_queue_order_is_an_index_read(tmp_path, shape):
    """Issue 9: a queue page at 100,000 learners must not sort every matching row (no temporary B-tree)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import Session

    from lti_tool.db import migrate
    from lti_tool.db.store import SqlStore

    engine = create_engine(f"sqlite:///{tmp_path / 'plan.sqlite3'}")
    migrate.upgrade(engine)
    seen: list[tuple[str, object]] = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, params, context, many: seen.append((statement, params)))
    shape = dict(shape)
    SqlStore(Session(engine)).query_records("a", status=shape.pop("status", None), option_id=None, offset=0,
                                            limit=21, **shape)
    statement, params = next(s for s in seen if "FROM plc_learner_record" in s[0])
    with engine.connect() as connection:
        plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    assert any("USING INDEX" in step for step in plan) and not any("TEMP B-TREE" in step for step in plan), plan
