"""The Django store passes the same contract as the core's in-memory reference store."""

from __future__ import annotations

import os

from django.conf import settings

from tests.core.store_contract import StoreContract
from xblock_plchoice.blocks.store import DjangoBlobStore, DjangoStore, plchoice_storage, safe_file_name
from xblock_plchoice.core.store import LearnerRecord


class TestDjangoStore(StoreContract):
    def make_store(self):
        return DjangoStore()

    def make_blobs(self):
        return DjangoBlobStore()

    def blob_paths(self, blobs) -> set:
        root = blobs.storage.location
        return {os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files}


def test_the_plchoice_storage_alias_is_used_when_configured():
    assert "plchoice" in settings.STORAGES
    assert plchoice_storage().location == settings.STORAGES["plchoice"]["OPTIONS"]["location"]


def test_stored_names_have_no_paths_or_odd_characters():
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("C:\\x\\my essay (final).pdf") == "my_essay_final_.pdf"
    assert safe_file_name("...") == "file"


def test_iter_records_streams_in_batches_in_learner_order(monkeypatch):
    from xblock_plchoice.blocks import store as store_module

    monkeypatch.setattr(store_module, "ITER_BATCH", 3)
    store = DjangoStore()
    with store.atomic():
        for i in range(8):
            store.save_record(LearnerRecord(activity_key="big", course_key="c", learner_id=f"l{i:02d}",
                                            version=1), 0)
    assert [r.learner_id for r in store.iter_records("big")] == [f"l{i:02d}" for i in range(8)]


def test_every_queue_order_is_an_index_read():
    """Issue 9: each queue sort and filter reads an index in order (no temporary B-tree on SQLite)."""
    from django.db import connection

    store = DjangoStore()
    for shape in ({}, {"sort": "newest"}, {"sort": "name"}, {"unread": True}, {"claimed": "g1"}, {"claimed": ""},
                  {"unread": True, "sort": "newest"}):
        seen: list[tuple[str, object]] = []

        def capture(execute, sql, params, many, context, seen=seen):
            seen.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            store.query_records("a", status=None, option_id=None, offset=0, limit=21, **shape)
        sql, params = next(item for item in seen if "plchoice_learnerrecordrow" in item[0])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = [row[-1] for row in cursor.fetchall()]
        assert any("USING INDEX" in s for s in plan) and not any("TEMP B-TREE" in s for s in plan), (shape, plan)
