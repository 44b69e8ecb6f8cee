"""The behaviour every core.store.Store must have, written once.

Each home's test module subclasses :class:`StoreContract` and supplies
``make_store()`` (and optionally ``make_blobs()``): the Django store, the
SQLAlchemy store on SQLite and PostgreSQL, and the in-memory reference all
pass the same checks, so the core can rely on them alike.
"""

from __future__ import annotations

import io

import pytest

from xblock_plchoice.core.errors import Conflict, FileTooLarge
from xblock_plchoice.core.store import LearnerRecord


def record(learner: str, activity: str = "act-1", course: str = "course-1", **fields) -> LearnerRecord:
    return LearnerRecord(activity_key=activity, course_key=course, learner_id=learner, version=1, **fields)


class StoreContract:
    """Subclass with ``make_store(self)``; optionally ``make_blobs(self)``."""

    def make_store(self):
        raise AssertionError("subclasses provide make_store()")

    def make_blobs(self):
        return None

    def test_record_round_trip_and_optimistic_versions(self):
        store = self.make_store()
        with store.atomic():
            store.save_record(record("alice", status="chosen", option_id="write",
                                     choices=[{"option_id": "write", "title": "Ünïcode ✓", "at": "t1"}]), 0)
        loaded = store.get_record("act-1", "alice")
        assert loaded.status == "chosen" and loaded.choices[0]["title"] == "Ünïcode ✓" and loaded.version == 1
        loaded.version = 2
        loaded.status = "submitted"
        with store.atomic():
            store.save_record(loaded, 1)
        stale = record("alice", status="revise")
        stale.version = 2
        with pytest.raises(Conflict):
            with store.atomic():
                store.save_record(stale, 1)
        assert store.get_record("act-1", "alice").status == "submitted"
        with pytest.raises(Conflict):
            with store.atomic():
                store.save_record(record("alice"), 0)  # a second insert of the same learner
        assert store.get_record("act-1", "nobody") is None

    def test_atomic_rolls_back(self):
        store = self.make_store()
        with pytest.raises(RuntimeError):
            with store.atomic():
                store.save_record(record("alice"), 0)
                store.bump_counters("act-1", {"total": 1})
                raise RuntimeError("boom")
        assert store.get_record("act-1", "alice") is None
        assert store.get_counters("act-1").get("total", 0) == 0

    def test_query_order_filters_and_paging(self):
        store = self.make_store()
        with store.atomic():
            store.save_record(record("dora", status="chosen", option_id="write"), 0)
            store.save_record(record("carl", status="submitted", option_id="build", submitted_at="2026-01-03"), 0)
            store.save_record(record("anna", status="submitted", option_id="write", submitted_at="2026-01-02"), 0)
            store.save_record(record("bert", status="submitted", option_id="write", submitted_at="2026-01-02"), 0)
            store.save_record(record("eve", status="submitted", option_id="write", submitted_at="2026-01-01",
                                     activity="act-2"), 0)
        ids = lambda rows: [r.learner_id for r in rows]  # noqa: E731
        assert ids(store.query_records("act-1", status=None, option_id=None, offset=0, limit=10)) == [
            "anna", "bert", "carl", "dora"]
        assert ids(store.query_records("act-1", status="submitted", option_id="write", offset=0, limit=10)) == [
            "anna", "bert"]
        assert ids(store.query_records("act-1", status="submitted", option_id=None, offset=1, limit=1)) == ["bert"]
        assert ids(store.query_records("act-1", status=None, option_id="build", offset=0, limit=10)) == ["carl"]
        assert ids(store.iter_records("act-1")) == ["anna", "bert", "carl", "dora"]
        assert ids(store.records_for_learner("eve")) == ["eve"]
        assert ids(store.records_for_learner("eve", "course-2")) == []
        with store.atomic():
            store.delete_record("act-1", "dora")
        assert store.get_record("act-1", "dora") is None

    def test_counters_add_up(self):
        store = self.make_store()
        with store.atomic():
            store.bump_counters("act-1", {"total": 1, "status:chosen": 1, "criterion:x:gap_sum": -1})
        with store.atomic():
            store.bump_counters("act-1", {"total": 1, "status:chosen": -1, "status:submitted": 1})
        with store.atomic():
            store.bump_counters("act-2", {"total": 5})
        counters = store.get_counters("act-1")
        assert counters["total"] == 2 and counters["status:submitted"] == 1
        assert counters.get("status:chosen", 0) == 0 and counters["criterion:x:gap_sum"] == -1

    def test_shared_reflections_newest_first_paged_and_only_shared(self):
        store = self.make_store()
        base = {"course_key": "course-1", "activity_key": "act-1", "activity_title": "T", "phase": "before",
                "prompts": {"goal": "Goal?"}, "answers": {"goal": "x"}, "share_with_staff": True}
        with store.atomic():
            store.add_reflection({**base, "id": "a1", "learner_id": "alice", "at": "2026-01-01T00:00:01"})
            store.add_reflection({**base, "id": "b1", "learner_id": "bob", "at": "2026-01-01T00:00:03"})
            store.add_reflection({**base, "id": "c1", "learner_id": "cai", "at": "2026-01-01T00:00:02"})
            store.add_reflection({**base, "id": "b0", "learner_id": "bob", "at": "2026-01-01T00:00:03"})
            store.add_reflection({**base, "id": "p1", "learner_id": "dee", "at": "2026-01-01T00:00:09",
                                  "share_with_staff": False})
            store.add_reflection({**base, "id": "o1", "learner_id": "eve", "at": "2026-01-01T00:00:09",
                                  "activity_key": "act-2"})
        first, total = store.list_shared_reflections("act-1", offset=0, limit=2)
        assert total == 4
        assert [e["id"] for e in first] == ["b1", "b0"]  # newest first; same time: higher id first
        rest, total = store.list_shared_reflections("act-1", offset=2, limit=2)
        assert [e["id"] for e in rest] == ["c1", "a1"] and total == 4
        assert rest[0]["answers"] == {"goal": "x"}
        assert store.list_shared_reflections("act-1", offset=4, limit=2) == ([], 4)
        assert store.list_shared_reflections("nowhere", offset=0, limit=5) == ([], 0)

    def test_reflections_profile_and_files(self):
        store = self.make_store()
        entry = {"id": "r1", "course_key": "course-1", "activity_key": "act-1", "activity_title": "T",
                 "learner_id": "alice", "phase": "before", "prompts": {"goal": "Goal?"},
                 "answers": {"goal": "<b>learn</b>"}, "share_with_staff": True, "at": "2026-01-01T00:00:00"}
        with store.atomic():
            store.add_reflection(entry)
            store.add_reflection({**entry, "id": "r0", "at": "2025-12-31T00:00:00", "share_with_staff": False})
            store.add_reflection({**entry, "id": "r2", "course_key": "course-2"})
            store.save_profile("course-1", "alice", {"strengths": "drawing", "share_with_staff": False})
        assert [e["id"] for e in store.list_reflections("course-1", "alice")] == ["r0", "r1"]
        assert store.list_reflections("course-1", "alice")[1]["answers"] == {"goal": "<b>learn</b>"}
        assert len(store.list_reflections(None, "alice")) == 3
        assert store.get_profile("course-1", "alice")["strengths"] == "drawing"
        with store.atomic():
            store.save_profile("course-1", "alice", {"strengths": "music"})
        assert store.get_profile("course-1", "alice")["strengths"] == "music"
        with store.atomic():
            assert store.delete_reflections("course-1", "alice") == 2
            assert store.delete_profile("course-1", "alice") == 1
        assert store.list_reflections(None, "alice")[0]["id"] == "r2"
        assert store.get_profile("course-1", "alice") is None
        meta = {"file_id": "f1", "activity_key": "act-1", "course_key": "course-1", "learner_id": "alice",
                "name": "essay.pdf", "size": 10, "mime": "application/pdf", "kind": "file", "path": "p/f1.pdf",
                "at": "2026-01-01T00:00:00"}
        with store.atomic():
            store.save_file_meta(meta)
        assert store.get_file_meta("f1") == meta
        assert [m["file_id"] for m in store.files_for_learner("alice", "course-1")] == ["f1"]
        assert store.files_for_learner("bob") == []
        with store.atomic():
            store.delete_file_meta("f1")
        assert store.get_file_meta("f1") is None

    def test_files_before_a_cutoff_are_listed_once_even_while_deleting(self):
        store = self.make_store()
        base = {"activity_key": "act-1", "course_key": "course-1", "learner_id": "alice", "name": "a.pdf",
                "size": 1, "mime": "application/pdf", "kind": "file", "path": "p"}
        with store.atomic():
            for n in range(450):  # more than one page of every store
                store.save_file_meta({**base, "file_id": f"f{n:04d}", "at": f"2026-01-01T00:{n % 60:02d}:00+00:00"})
            store.save_file_meta({**base, "file_id": "new", "at": "2026-01-02T00:00:00+00:00"})
        seen = []
        for meta in store.iter_files_before("2026-01-01T23:59:59+00:00"):
            seen.append(meta["file_id"])
            with store.atomic():
                store.delete_file_meta(meta["file_id"])
        assert sorted(seen) == [f"f{n:04d}" for n in range(450)] and len(set(seen)) == 450
        assert store.get_file_meta("new") is not None
        assert list(store.iter_files_before("2025-01-01T00:00:00+00:00")) == []

    def test_blobs_round_trip_and_clean_up_on_error(self):
        blobs = self.make_blobs()
        if blobs is None:
            pytest.skip("this store has no blob store of its own")
        path = blobs.save("f1.pdf", iter([b"%PDF-", b"1.7"]))
        with blobs.open(path) as handle:
            assert handle.read() == b"%PDF-1.7"
        blobs.delete(path)

        def too_big():
            yield b"x" * 10
            raise FileTooLarge(limit="10 bytes", kind="file")

        before = self.blob_paths(blobs)
        with pytest.raises(FileTooLarge):
            blobs.save("f2.pdf", too_big())
        assert self.blob_paths(blobs) == before

    def blob_paths(self, blobs) -> set:
        """What the blob store holds now (subclasses with on-disk blobs list files)."""
        return set(getattr(blobs, "blobs", {}))


def bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)

    # issue 9: the grading queue's sorts and filters, and the comment bank ------------------------
    def _queue_rows(self, store):
        rows = [
            record("amy", status="submitted", submitted_at="2026-01-03", display_name="Zoë Amy"),
            record("ben", status="submitted", submitted_at="2026-01-01", display_name="ben",
                   claim={"user_id": "g1", "display_name": "G One", "at": "t"}),
            record("cat", status="submitted", submitted_at="2026-01-01", display_name="Cat",
                   replies=[{"id": "r1", "attempt": 1, "author_role": "learner", "author_id": "cat",
                             "author_name": "", "text": "?", "at": "t"}]),
            record("dan", status="chosen", display_name="Adam"),
            record("eve", status="revise", submitted_at="2026-01-02", display_name="eve",
                   claim={"user_id": "g2", "display_name": "G Two", "at": "t"},
                   replies=[{"id": "r2", "attempt": 1, "author_role": "learner", "author_id": "eve",
                             "author_name": "", "text": "!", "at": "t"}], replies_read=1),
        ]
        with store.atomic():
            for row in rows:
                store.save_record(row, 0)

    def test_queue_sorts_by_wait_and_name(self):
        store = self.make_store()
        self._queue_rows(store)

        def ids(**kwargs):
            page = store.query_records("act-1", status=kwargs.pop("status", None), option_id=None, offset=0,
                                       limit=10, **kwargs)
            return [r.learner_id for r in page]

        assert ids() == ["ben", "cat", "eve", "amy", "dan"]
        assert ids(sort="oldest") == ["ben", "cat", "eve", "amy", "dan"]
        assert ids(sort="newest") == ["amy", "eve", "cat", "ben", "dan"]
        assert ids(sort="name") == ["dan", "ben", "cat", "eve", "amy"]  # case-folded: "Adam" < "ben" < "Zoë"
        assert ids(status="submitted", sort="newest") == ["amy", "cat", "ben"]

    def test_queue_filters_on_claims_and_unread_replies(self):
        store = self.make_store()
        self._queue_rows(store)

        def ids(**kwargs):
            return [r.learner_id for r in store.query_records("act-1", status=kwargs.pop("status", None),
                                                              option_id=None, offset=0, limit=10, **kwargs)]

        assert ids(claimed="g1") == ["ben"]
        assert ids(claimed="") == ["cat", "amy", "dan"]
        assert ids(unread=True) == ["cat"]  # eve's reply was read
        assert ids(unread=True, claimed="") == ["cat"]
        assert ids(status="submitted", claimed="", sort="name") == ["cat", "amy"]
        loaded = store.get_record("act-1", "eve")
        assert loaded.claim["display_name"] == "G Two" and loaded.replies_read == 1 and loaded.unread_replies == 0

    def test_comment_bank_belongs_to_one_course(self):
        store = self.make_store()
        with store.atomic():
            store.add_bank_comment({"id": "c2", "course_key": "course-1", "criterion_id": "", "text": "Bien ✓",
                                    "by": "s", "at": "2026-01-02"})
            store.add_bank_comment({"id": "c1", "course_key": "course-1", "criterion_id": "clarity",
                                    "text": "=Short", "by": "s", "at": "2026-01-01"})
            store.add_bank_comment({"id": "c3", "course_key": "course-2", "criterion_id": "", "text": "x",
                                    "by": "s", "at": "2026-01-01"})
        assert [e["id"] for e in store.list_bank_comments("course-1")] == ["c1", "c2"]
        assert store.list_bank_comments("course-1")[1]["text"] == "Bien ✓"
        with store.atomic():
            assert store.delete_bank_comment("course-2", "c1") is False
            assert store.delete_bank_comment("course-1", "c1") is True
            assert store.delete_bank_comment("course-1", "c1") is False
        assert [e["id"] for e in store.list_bank_comments("course-1")] == ["c2"]
        assert [e["id"] for e in store.list_bank_comments("course-2")] == ["c3"]
