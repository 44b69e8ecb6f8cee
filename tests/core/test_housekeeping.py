"""Orphan evidence files: which are deleted, which are kept, and the race with a learner attaching one."""

from __future__ import annotations

import io
from datetime import timedelta

from xblock_plchoice.core.housekeeping import orphan_cutoff, sweep_orphans
from xblock_plchoice.core.protocol import dispatch, upload_file
from xblock_plchoice.core.store import MemoryBlobStore, MemoryStore

from .helpers import ALICE, BOB, GOOD_RATINGS, make_ctx

DAY = timedelta(hours=24)


def setup():
    store, blobs = MemoryStore(), MemoryBlobStore()
    ctx = make_ctx(store=store, blobs=blobs)
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    return store, blobs, ctx


def upload(ctx, actor, name="notes.pdf"):
    return upload_file(actor, ctx, name, "application/pdf", io.BytesIO(b"%PDF-1.7\n" + name.encode()), "file")


def later(ctx, delta):
    return orphan_cutoff(ctx.now() + delta, DAY)


def test_an_unused_file_older_than_a_day_is_deleted_blob_and_meta():
    store, blobs, ctx = setup()
    orphan = upload(ctx, ALICE)
    report = sweep_orphans(store, blobs, later(ctx, DAY + timedelta(minutes=1)))
    assert report.files == 1 and report.bytes == orphan["size"]
    assert store.get_file_meta(orphan["file_id"]) is None and blobs.blobs == {}


def test_a_younger_unused_file_is_kept():
    store, blobs, ctx = setup()
    young = upload(ctx, ALICE)
    report = sweep_orphans(store, blobs, later(ctx, timedelta(hours=23)))
    assert report.files == 0 and store.get_file_meta(young["file_id"]) is not None and len(blobs.blobs) == 1


def test_files_in_a_draft_or_a_submitted_attempt_are_kept_however_old():
    store, blobs, ctx = setup()
    submitted = upload(ctx, ALICE, "submitted.pdf")
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS, "comment": ""}, ctx)
    dispatch("submit", ALICE, {"text": "see file", "file_ids": [submitted["file_id"]]}, ctx)
    dispatch("choose", BOB, {"option_id": "write"}, ctx)
    drafted = upload(ctx, BOB, "draft.pdf")
    dispatch("save_draft", BOB, {"text": "wip", "file_ids": [drafted["file_id"]]}, ctx)
    dropped = upload(ctx, BOB, "dropped.pdf")
    report = sweep_orphans(store, blobs, later(ctx, 400 * DAY))
    assert report.files == 1 and report.kept == 2
    assert store.get_file_meta(submitted["file_id"]) and store.get_file_meta(drafted["file_id"])
    assert store.get_file_meta(dropped["file_id"]) is None and len(blobs.blobs) == 2


def test_a_file_attached_after_it_was_listed_is_kept():
    """The sweep lists candidates, then the learner attaches one: the check inside the deleting transaction wins."""
    store, blobs, ctx = setup()
    item = upload(ctx, ALICE)
    stale_listing = list(store.iter_files_before(later(ctx, 2 * DAY)))
    dispatch("save_draft", ALICE, {"text": "", "file_ids": [item["file_id"]]}, ctx)
    report = sweep_orphans(store, blobs, later(ctx, 2 * DAY), candidates=stale_listing)
    assert report.files == 0 and store.get_file_meta(item["file_id"]) is not None and len(blobs.blobs) == 1


class AttachesDuringSweep(MemoryStore):
    """A learner's save commits between the sweep's read of the record and its delete (a concurrent writer)."""

    def __init__(self, attach):
        super().__init__()
        self.attach = attach
        self.armed = False

    def get_record(self, activity_key, learner_id):
        found = super().get_record(activity_key, learner_id)
        if self.armed:
            self.armed = False
            self.attach()  # bumps the stored version behind the sweep's back
        return found


def test_a_concurrent_attach_makes_the_sweep_back_off():
    blobs = MemoryBlobStore()
    holder = {}
    store = AttachesDuringSweep(lambda: dispatch("save_draft", ALICE, {"text": "mine",
                                                                         "file_ids": [holder["id"]]}, holder["ctx"]))
    ctx = make_ctx(store=store, blobs=blobs)
    holder["ctx"] = ctx
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    holder["id"] = upload(ctx, ALICE)["file_id"]
    store.armed = True
    report = sweep_orphans(store, blobs, later(ctx, 2 * DAY))
    assert report.files == 0 and report.busy == 1
    assert store.get_file_meta(holder["id"]) is not None and len(blobs.blobs) == 1


def test_a_learner_attaching_a_swept_file_is_told_to_upload_again():
    store, blobs, ctx = setup()
    item = upload(ctx, ALICE)
    sweep_orphans(store, blobs, later(ctx, 2 * DAY))
    from xblock_plchoice.core.errors import ValidationError
    try:
        dispatch("save_draft", ALICE, {"text": "", "file_ids": [item["file_id"]]}, ctx)
    except ValidationError as error:
        assert "Upload it again" in str(error)
    else:
        raise AssertionError("a swept file was attached")


def test_a_feedback_recording_in_a_review_is_kept_and_an_unattached_one_goes():
    from .helpers import STAFF

    store, blobs, ctx = setup()
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS, "comment": ""}, ctx)
    dispatch("submit", ALICE, {"text": "My work"}, ctx)
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64
    attached = upload_file(STAFF, ctx, "note.wav", "audio/wav", io.BytesIO(wav), "feedback_audio")
    loose = upload_file(STAFF, ctx, "draft.wav", "audio/wav", io.BytesIO(wav), "feedback_audio")
    dispatch("review", STAFF, {"learner_id": "alice", "attempt": 1, "ratings": GOOD_RATINGS, "feedback": "Listen",
                               "decision": "revise", "media_file_ids": [attached["file_id"]]}, ctx)
    report = sweep_orphans(store, blobs, later(ctx, DAY * 30))
    assert report.files == 1 and store.get_file_meta(loose["file_id"]) is None
    assert store.get_file_meta(attached["file_id"])["feedback_for"] == "alice"
