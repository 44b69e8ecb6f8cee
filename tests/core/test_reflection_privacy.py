"""Reflection, the learning log, the profile, learner export/delete, retirement and the staff CSV."""

import csv
import io
import json

import pytest

from xblock_plchoice.core import analytics
from xblock_plchoice.core.errors import IllegalTransition, ValidationError
from xblock_plchoice.core.exports import neutralize
from xblock_plchoice.core.privacy import retire_learner
from xblock_plchoice.core.protocol import dispatch, export_csv, upload_file

from .helpers import ALICE, BOB, GOOD_RATINGS, STAFF, make_ctx, make_reflection_ctx
from .test_workflow import review, submit_once

BEFORE = {"goal": "Explain it to my brother", "plan": "Draw first", "confidence": "Medium"}


def test_before_reflection_then_after_only_with_feedback():
    ctx = make_ctx()
    view = dispatch("reflect", ALICE, {"phase": "before", "answers": BEFORE, "share_with_staff": True}, ctx)
    assert view["me"]["reflections"]["before"]["answers"]["goal"] == "Explain it to my brother"
    with pytest.raises(IllegalTransition):
        dispatch("reflect", ALICE, {"phase": "after", "answers": {"worked": "x"}}, ctx)
    submit_once(ctx)
    review(ctx, "revise")
    dispatch("reflect", ALICE, {"phase": "after", "answers": {"worked": "Drawing", "next": "Start early"}}, ctx)
    entries = dispatch("log", ALICE, {}, ctx)["entries"]
    assert [e["type"] for e in entries] == ["reflection_before", "chose", "submitted", "reviewed",
                                            "reflection_after"]
    assert entries[0]["prompts"]["goal"] == "What is your goal for this task?"


@pytest.mark.parametrize("payload, field", [
    ({"phase": "during", "answers": {}}, "phase"),
    ({"phase": "before", "answers": "text"}, "answers"),
    ({"phase": "before", "answers": {"hack": "x"}}, "answers"),
    ({"phase": "before", "answers": {"goal": "   "}}, "answers"),
    ({"phase": "before", "answers": {"goal": 12}}, "answers.goal"),
    ({"phase": "before", "answers": {"goal": "x" * 6000}}, "answers.goal"),
])
def test_bad_reflections_store_nothing(payload, field):
    ctx = make_ctx()
    with pytest.raises(ValidationError) as caught:
        dispatch("reflect", ALICE, payload, ctx)
    assert caught.value.field == field
    assert ctx.store.reflections == []


def test_reflection_activity_and_course_wide_log():
    course_store = make_ctx().store
    choice = make_ctx(store=course_store)
    journal = make_reflection_ctx(store=course_store, activity_key="journal-1")
    journal.clock = choice.clock  # one course, one clock
    dispatch("reflect", ALICE, {"phase": "before", "answers": {"goal": "Speak up"}}, journal)
    dispatch("choose", ALICE, {"option_id": "record"}, choice)
    dispatch("reflect", ALICE, {"phase": "after", "answers": {"learned": "I need quiet"}}, journal)
    log = dispatch("log", ALICE, {}, journal)["entries"]
    assert [(e["type"], e["activity_key"]) for e in log] == [
        ("reflection_before", "journal-1"), ("chose", "act-1"), ("reflection_after", "journal-1")]
    with pytest.raises(IllegalTransition):
        dispatch("choose", ALICE, {"option_id": "write"}, journal)


def test_profile_is_learner_owned_and_shared_only_on_request():
    ctx = make_ctx()
    assert dispatch("profile", ALICE, {}, ctx)["profile"]["strengths"] == ""
    view = dispatch("profile", ALICE, {"strengths": "drawing", "supports": "captions"}, ctx)["profile"]
    assert view["strengths"] == "drawing" and view["share_with_staff"] is False
    with pytest.raises(ValidationError):
        dispatch("profile", ALICE, {"learning_style": "visual"}, ctx)
    submit_once(ctx)
    item = dispatch("queue", STAFF, {}, ctx)["items"][0]
    assert item["shared_profile"] is None
    dispatch("profile", ALICE, {"share_with_staff": True}, ctx)
    item = dispatch("queue", STAFF, {}, ctx)["items"][0]
    assert item["shared_profile"]["supports"] == "captions"


def test_staff_see_only_shared_reflections():
    ctx = make_ctx()
    dispatch("reflect", ALICE, {"phase": "before", "answers": {"goal": "private"}}, ctx)
    submit_once(ctx)
    assert dispatch("queue", STAFF, {}, ctx)["items"][0]["shared_reflections"] == []
    dispatch("reflect", ALICE, {"phase": "before", "answers": {"goal": "shared"}, "share_with_staff": True}, ctx)
    shared = dispatch("queue", STAFF, {}, ctx)["items"][0]["shared_reflections"]
    assert [r["answers"]["goal"] for r in shared] == ["shared"]


def test_export_and_delete_my_data():
    ctx = make_ctx()
    dispatch("reflect", ALICE, {"phase": "before", "answers": BEFORE}, ctx)
    dispatch("profile", ALICE, {"goals": "be clearer"}, ctx)
    submit_once(ctx)
    review(ctx, "revise")
    kept = upload_file(ALICE, ctx, "draft.pdf", "application/pdf", io.BytesIO(b"%PDF-1 d"), "file")
    dispatch("save_draft", ALICE, {"text": "draft two", "file_ids": [kept["file_id"]]}, ctx)
    exported = dispatch("my_data", ALICE, {"action": "export"}, ctx)
    json.dumps(exported)
    assert exported["profile"]["goals"] == "be clearer" and len(exported["reflections"]) == 1
    assert exported["records"][0]["draft"]["text"] == "draft two"
    assert "reviewer_id" not in json.dumps(exported) and "path" not in exported["files"][0]
    assert dispatch("my_data", BOB, {"action": "export"}, ctx)["records"] == []
    deleted = dispatch("my_data", ALICE, {"action": "delete"}, ctx)["deleted"]
    assert deleted == {"reflections": 1, "profile": 1, "drafts": 1, "files": 1}
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["draft"] is None and len(me["attempts"]) == 1 and me["reflections"]["before"] is None
    assert ctx.blobs.blobs == {}
    nonzero = {k: v for k, v in ctx.store.get_counters("act-1").items() if v}
    assert nonzero == analytics.recompute(ctx.store.iter_records("act-1"))
    with pytest.raises(ValidationError):
        dispatch("my_data", ALICE, {"action": "drop"}, ctx)


def test_retirement_removes_everything_and_keeps_counters_true():
    ctx = make_ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    upload_file(ALICE, ctx, "a.pdf", "application/pdf", io.BytesIO(b"%PDF-1 a"), "file")
    submit_once(ctx, BOB)
    dispatch("reflect", ALICE, {"phase": "before", "answers": BEFORE}, ctx)
    dispatch("profile", ALICE, {"strengths": "x"}, ctx)
    assert retire_learner(ctx.store, ctx.blobs, "alice") == {"records": 1, "files": 1, "reflections": 1,
                                                                "profile": 1}
    assert ctx.store.records_for_learner("alice") == [] and ctx.blobs.blobs == {}
    counters = {k: v for k, v in ctx.store.get_counters("act-1").items() if v and not k.startswith("refl")}
    assert counters == analytics.recompute(ctx.store.iter_records("act-1"))


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", "＝1+1"])
def test_formula_cells_are_neutralised(cell):
    assert neutralize(cell) == "'" + cell


def test_csv_export_is_safe_and_complete():
    ctx = make_ctx()
    hostile = '=HYPERLINK("http://evil.example","click")'
    submit_once(ctx, ALICE, text=hostile)
    review(ctx, "revise", feedback="@SUM(1)")
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    dispatch("submit", ALICE, {"text": "second"}, ctx)
    text = "".join(export_csv(STAFF, ctx))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["attempt"] for r in rows] == ["1", "2"]
    assert rows[0]["text"] == "'" + hostile and rows[0]["feedback"] == "'@SUM(1)"
    assert rows[0]["self:clarity"] == "exceeds" and rows[1]["decision"] == ""
    from xblock_plchoice.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_csv(ALICE, ctx)
