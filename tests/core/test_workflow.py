"""The learner workflow through the command protocol: each transition, each refusal."""

import io

import pytest

from xblock_plchoice.core.activity import default_choice_definition
from xblock_plchoice.core.errors import (
    Conflict,
    IllegalTransition,
    MalformedPayload,
    NotFound,
    PastDue,
    PermissionDenied,
    UnknownCommand,
    ValidationError,
)
from xblock_plchoice.core.protocol import dispatch, open_file, upload_file

from .helpers import ALICE, BOB, GOOD_RATINGS, STAFF, make_ctx


def submit_once(ctx, actor=ALICE, text="My explanation"):
    dispatch("choose", actor, {"option_id": "write"}, ctx)
    dispatch("self_assess", actor, {"ratings": GOOD_RATINGS, "comment": "I think so"}, ctx)
    return dispatch("submit", actor, {"text": text}, ctx)


def review(ctx, decision, attempt=1, learner="alice", feedback="Add a diagram"):
    return dispatch("review", STAFF, {"learner_id": learner, "attempt": attempt, "ratings": GOOD_RATINGS,
                                      "feedback": feedback, "decision": decision}, ctx)


def test_state_for_a_new_learner_writes_nothing():
    ctx = make_ctx()
    view = dispatch("state", ALICE, {}, ctx)
    assert view["me"]["status"] == "not_started" and view["staff"] is None
    assert view["activity"]["levels"] == ["not_yet", "meets", "exceeds"]
    assert ctx.store.records == {}


def test_full_loop_keeps_every_attempt_and_grades_on_decision():
    ctx = make_ctx()
    view = submit_once(ctx)
    assert view["me"]["status"] == "submitted" and view["me"]["can"]["choose"] is False
    assert review(ctx, "revise")["item"]["status"] == "revise"
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    dispatch("submit", ALICE, {"text": "Better, with a diagram"}, ctx)
    item = review(ctx, "mastered", attempt=2, feedback="")["item"]
    assert item["status"] == "mastered"
    assert [a["evidence"]["text"] for a in item["attempts"]] == ["My explanation", "Better, with a diagram"]
    assert [a["review"]["decision"] for a in item["attempts"]] == ["revise", "mastered"]
    assert ctx.grades.events == [("submitted", "alice", 1, None), ("scored", "alice", 1, 0.0),
                                 ("submitted", "alice", 2, None), ("scored", "alice", 2, 10.0)]
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["score"] == {"earned": 10.0, "possible": 10.0}
    assert "reviewer_id" not in me["attempts"][0]["review"]


def test_choice_is_locked_after_first_submit_and_can_change_before():
    ctx = make_ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    view = dispatch("choose", ALICE, {"option_id": "record"}, ctx)
    assert view["me"]["option_id"] == "record"
    record = ctx.store.get_record("act-1", "alice")
    assert [c["option_id"] for c in record.choices] == ["write", "record"]
    ctx2 = make_ctx()
    submit_once(ctx2)
    with pytest.raises(IllegalTransition):
        dispatch("choose", ALICE, {"option_id": "record"}, ctx2)


def test_no_change_policy():
    ctx = make_ctx(allow_change_until_submit=False)
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    with pytest.raises(IllegalTransition):
        dispatch("choose", ALICE, {"option_id": "build"}, ctx)


def test_unknown_option_and_malformed_payloads_store_nothing():
    ctx = make_ctx()
    with pytest.raises(ValidationError) as caught:
        dispatch("choose", ALICE, {"option_id": "<script>"}, ctx)
    assert caught.value.field == "option_id"
    for bad in ([1, 2], "text", 42):
        with pytest.raises(MalformedPayload):
            dispatch("choose", ALICE, bad, ctx)
    with pytest.raises(UnknownCommand):
        dispatch("drop_table", ALICE, {}, ctx)
    with pytest.raises(ValidationError):
        dispatch("choose", ALICE, {"option_id": ["write"]}, ctx)
    assert ctx.store.records == {}


def test_submit_needs_evidence_and_self_assessment_when_required():
    ctx = make_ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    with pytest.raises(ValidationError) as caught:
        dispatch("submit", ALICE, {"text": "x"}, ctx)
    assert caught.value.field == "ratings"
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    with pytest.raises(ValidationError):
        dispatch("submit", ALICE, {"text": "   "}, ctx)
    with pytest.raises(ValidationError):  # write takes text and files, not links
        dispatch("submit", ALICE, {"text": "ok", "links": ["https://example.org"]}, ctx)
    assert ctx.store.get_record("act-1", "alice").attempts == []


def test_self_assessment_optional_policy():
    ctx = make_ctx(self_assessment="optional")
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    assert dispatch("submit", ALICE, {"text": "done"}, ctx)["me"]["status"] == "submitted"


def test_self_assess_must_rate_every_criterion():
    ctx = make_ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    with pytest.raises(ValidationError) as caught:
        dispatch("self_assess", ALICE, {"ratings": {"accuracy": "meets"}}, ctx)
    assert "Clear explanation" in caught.value.render()
    with pytest.raises(ValidationError):
        dispatch("self_assess", ALICE, {"ratings": {**GOOD_RATINGS, "accuracy": "awesome"}}, ctx)


def test_past_due_refuses_submission():
    ctx = make_ctx(due="2020-01-01T00:00:00+00:00")
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    assert dispatch("state", ALICE, {}, ctx)["me"]["can"]["submit"] is False
    with pytest.raises(PastDue):
        dispatch("submit", ALICE, {"text": "late"}, ctx)


def test_revision_limit():
    ctx = make_ctx(max_revisions=0)
    submit_once(ctx)
    review(ctx, "revise")
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["revisions_left"] == 0 and me["can"]["submit"] is False
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    with pytest.raises(IllegalTransition):
        dispatch("submit", ALICE, {"text": "again"}, ctx)


def test_review_rules():
    ctx = make_ctx()
    with pytest.raises(NotFound):
        review(ctx, "mastered")
    submit_once(ctx)
    with pytest.raises(ValidationError):
        review(ctx, "revise", feedback="  ")
    with pytest.raises(ValidationError):
        review(ctx, "mastered", attempt=2)
    review(ctx, "mastered")
    with pytest.raises(Conflict):
        review(ctx, "revise")


def test_learner_cannot_call_any_staff_command():
    ctx = make_ctx()
    submit_once(ctx)
    for name, payload in [("queue", {}), ("analytics", {}), ("decide_proposal", {"learner_id": "alice"}),
                          ("review", {"learner_id": "alice", "attempt": 1, "ratings": GOOD_RATINGS,
                                      "decision": "mastered"})]:
        with pytest.raises(PermissionDenied):
            dispatch(name, BOB, payload, ctx)
    assert ctx.store.get_record("act-1", "alice").attempts[0]["review"] is None


def test_proposals_approve_and_redirect():
    ctx = make_ctx()
    view = dispatch("propose", ALICE, {"title": "A comic strip", "plan": "Six panels"}, ctx)
    assert view["me"]["status"] == "proposal_pending" and view["me"]["can"]["edit"] is False
    with pytest.raises(ValidationError):
        dispatch("decide_proposal", STAFF, {"learner_id": "alice", "decision": "redirect", "note": ""}, ctx)
    item = dispatch("decide_proposal", STAFF, {"learner_id": "alice", "decision": "approve", "note": "Go"}, ctx)
    assert item["item"]["status"] == "chosen" and item["item"]["option_title"] == "A comic strip"
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["option"]["id"] == "proposal" and "video" in me["option"]["evidence_kinds"]
    dispatch("propose", BOB, {"title": "A song", "plan": "Verse"}, ctx)
    dispatch("decide_proposal", STAFF, {"learner_id": "bob", "decision": "redirect", "note": "Try recording"}, ctx)
    bob = dispatch("state", BOB, {}, ctx)["me"]
    assert bob["status"] == "not_started" and bob["proposal"]["status"] == "redirected"
    assert bob["proposal"]["note"] == "Try recording"
    counts = dispatch("analytics", STAFF, {}, ctx)["proposals"]
    assert counts == {"made": 2, "approved": 1, "redirected": 1}


def test_proposals_off():
    definition = default_choice_definition()
    definition["allow_proposals"] = False
    with pytest.raises(IllegalTransition):
        dispatch("propose", ALICE, {"title": "x", "plan": "y"}, make_ctx(definition))


def test_files_are_private_to_owner_and_staff():
    ctx = make_ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    meta = upload_file(ALICE, ctx, "essay.pdf", "application/pdf", io.BytesIO(b"%PDF-1.4 body"), "file")
    assert open_file(ALICE, ctx, meta["file_id"])[1].read() == b"%PDF-1.4 body"
    assert open_file(STAFF, ctx, meta["file_id"])[0]["name"] == "essay.pdf"
    with pytest.raises(NotFound):
        open_file(BOB, ctx, meta["file_id"])
    dispatch("choose", BOB, {"option_id": "write"}, ctx)
    dispatch("self_assess", BOB, {"ratings": GOOD_RATINGS}, ctx)
    with pytest.raises(ValidationError):  # Bob cannot attach Alice's file as his own
        dispatch("submit", BOB, {"text": "mine", "file_ids": [meta["file_id"]]}, ctx)
    other_activity = make_ctx(store=ctx.store, blobs=ctx.blobs, activity_key="act-2")
    with pytest.raises(NotFound):
        open_file(STAFF, other_activity, meta["file_id"])


def test_upload_refusals_store_nothing():
    ctx = make_ctx()
    with pytest.raises(IllegalTransition):
        upload_file(ALICE, ctx, "a.pdf", "application/pdf", io.BytesIO(b"%PDF-1"), "file")
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    from xblock_plchoice.core.errors import FileTooLarge, UnsupportedFile

    with pytest.raises(UnsupportedFile):
        upload_file(ALICE, ctx, "talk.webm", "video/webm", io.BytesIO(b"\x1a\x45\xdf\xa3"), "video")
    with pytest.raises(UnsupportedFile):
        upload_file(ALICE, ctx, "x.html", "text/html", io.BytesIO(b"<script>alert(1)</script>"), "file")
    small = make_ctx(store=ctx.store, blobs=ctx.blobs)
    object.__setattr__(small, "limits", type(small.limits)(file_max_bytes=10))
    with pytest.raises(FileTooLarge):
        upload_file(ALICE, small, "big.pdf", "application/pdf", io.BytesIO(b"%PDF-" + b"x" * 100), "file")
    assert ctx.store.files == {} and ctx.blobs.blobs == {}


def test_staff_reset_starts_over_and_keeps_history():
    from xblock_plchoice.core import analytics
    from xblock_plchoice.core.protocol import reset_learner

    ctx = make_ctx(max_revisions=0)
    submit_once(ctx)
    review(ctx, "mastered")
    assert reset_learner(ctx.store, "act-1", "alice", ctx.now_iso) is True
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["status"] == "not_started" and me["can"]["choose"] and me["revisions_left"] == 0
    assert len(me["attempts"]) == 1 and me["attempts"][0]["review"]["decision"] == "mastered"
    dispatch("choose", ALICE, {"option_id": "build"}, ctx)
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    view = dispatch("submit", ALICE, {"text": "fresh start"}, ctx)
    assert [a["number"] for a in view["me"]["attempts"]] == [1, 2]
    review(ctx, "revise", attempt=2)
    assert dispatch("state", ALICE, {}, ctx)["me"]["revisions_left"] == 0
    assert reset_learner(ctx.store, "act-1", "nobody", ctx.now_iso) is False
    nonzero = {k: v for k, v in ctx.store.get_counters("act-1").items() if v}
    assert nonzero == analytics.recompute(ctx.store.iter_records("act-1"))
    assert "reset" in [e["type"] for e in dispatch("log", ALICE, {}, ctx)["entries"]]
