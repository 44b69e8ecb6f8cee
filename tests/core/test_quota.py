"""The per-learner byte quota of one activity: refused before and during the stream, nothing left behind."""

from __future__ import annotations

import io
import itertools

import pytest

from xblock_plchoice.core.context import Actor, Limits
from xblock_plchoice.core.errors import PLChoiceError
from xblock_plchoice.core.evidence import CHUNK
from xblock_plchoice.core.protocol import dispatch, upload_file
from xblock_plchoice.core.store import MemoryBlobStore, MemoryStore

from .helpers import ALICE, BOB, make_ctx

QUOTA = 1000
_ids = itertools.count(1)


def pdf(size: int) -> bytes:
    return b"%PDF-1.7\n" + b"0" * (size - 9)


def ctx_for(store, blobs, activity_key="act-1", quota=QUOTA):
    ctx = make_ctx(store=store, blobs=blobs, activity_key=activity_key,
                   limits=Limits(quota_bytes=quota, file_max_bytes=10 * 1024 * 1024))
    ctx.new_id = lambda: f"file{next(_ids):06d}"  # contexts share one store: ids must not collide
    return ctx


def chosen(ctx, actor: Actor):
    dispatch("choose", actor, {"option_id": "write"}, ctx)
    return ctx


def upload(ctx, actor, data: bytes, name="notes.pdf"):
    return upload_file(actor, ctx, name, "application/pdf", io.BytesIO(data), "file")


@pytest.fixture
def homes():
    return MemoryStore(), MemoryBlobStore()


def test_filling_the_quota_refuses_the_next_upload_and_keeps_nothing(homes):
    store, blobs = homes
    ctx = chosen(ctx_for(store, blobs), ALICE)
    upload(ctx, ALICE, pdf(600))
    upload(ctx, ALICE, pdf(400))  # exactly full
    before_blobs, before_files = dict(blobs.blobs), dict(store.files)
    with pytest.raises(PLChoiceError) as refused:
        upload(ctx, ALICE, pdf(10))
    error = refused.value
    assert error.status == 413 and error.code == "quota_exceeded"
    body = error.to_dict()
    assert body["used_bytes"] == 1000 and body["quota_bytes"] == QUOTA
    assert "1000 bytes" in body["message"]  # how much is used and allowed, in words
    assert blobs.blobs == before_blobs and store.files == before_files


def test_a_file_that_does_not_fit_what_is_left_is_refused(homes):
    store, blobs = homes
    ctx = chosen(ctx_for(store, blobs), ALICE)
    upload(ctx, ALICE, pdf(600))
    with pytest.raises(PLChoiceError) as refused:
        upload(ctx, ALICE, pdf(500))
    assert refused.value.code == "quota_exceeded"
    assert len(blobs.blobs) == 1 and len(store.files) == 1


def test_another_learner_and_another_activity_are_unaffected(homes):
    store, blobs = homes
    ctx = chosen(ctx_for(store, blobs), ALICE)
    upload(ctx, ALICE, pdf(1000))
    chosen(ctx, BOB)
    assert upload(ctx, BOB, pdf(1000))["size"] == 1000
    other = chosen(ctx_for(store, blobs, activity_key="act-2"), ALICE)
    assert upload(other, ALICE, pdf(1000))["size"] == 1000
    with pytest.raises(PLChoiceError):
        upload(ctx, ALICE, pdf(10))


def test_one_stream_crossing_the_quota_stops_reading_and_leaves_nothing(homes):
    store, blobs = homes
    quota = 3 * CHUNK
    ctx = chosen(ctx_for(store, blobs, quota=quota), ALICE)
    stream = io.BytesIO(pdf(20 * CHUNK))
    with pytest.raises(PLChoiceError) as refused:
        upload_file(ALICE, ctx, "big.pdf", "application/pdf", stream, "file")
    assert refused.value.code == "quota_exceeded" and refused.value.status == 413
    assert stream.tell() <= quota + 2 * CHUNK  # stopped mid-way, not after reading all 20 chunks
    assert blobs.blobs == {} and store.files == {}


def test_the_state_view_shows_the_quota_and_what_is_used(homes):
    store, blobs = homes
    ctx = chosen(ctx_for(store, blobs), ALICE)
    upload(ctx, ALICE, pdf(250))
    limits = dispatch("state", ALICE, {}, ctx)["limits"]
    assert limits["quota_bytes"] == QUOTA and limits["quota_used_bytes"] == 250
    assert dispatch("state", BOB, {}, ctx)["limits"]["quota_used_bytes"] == 0


def test_default_quota_is_generous_but_finite():
    assert 100 * 1024 * 1024 <= Limits().quota_bytes < 10 * 1024 ** 3
