"""Issue 9 in the core: per-criterion comments, media feedback, reply threads, claims, the queue's sorts and
filters, accommodations, rubric snapshots, the comment bank and grade delivery, through ``dispatch``."""

import io
from datetime import timedelta

import pytest

from xblock_plchoice.core import analytics
from xblock_plchoice.core.activity import default_choice_definition, parse_activity
from xblock_plchoice.core.context import Actor
from xblock_plchoice.core.errors import (
    GradingConflict,
    IllegalTransition,
    NotFound,
    PastDue,
    PermissionDenied,
    ValidationError,
)
from xblock_plchoice.core.exports import csv_chunks
from xblock_plchoice.core.protocol import dispatch, open_file, upload_file

from .helpers import ALICE, BOB, GOOD_RATINGS, STAFF, make_ctx

GRADER_A = Actor("grader-a", "staff", "Ana Grader")
GRADER_B = Actor("grader-b", "staff", "Ben Grader")
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64


def submit(ctx, actor=ALICE, text="My explanation"):
    dispatch("choose", actor, {"option_id": "write"}, ctx)
    dispatch("self_assess", actor, {"ratings": GOOD_RATINGS}, ctx)
    return dispatch("submit", actor, {"text": text}, ctx)


def review_payload(learner="alice", attempt=1, decision="revise", **extra):
    return {"learner_id": learner, "attempt": attempt, "ratings": GOOD_RATINGS, "feedback": "Add a diagram",
            "decision": decision} | extra


def test_review_keeps_a_comment_per_criterion_and_shows_it_to_the_learner_and_in_the_csv():
    ctx = make_ctx()
    submit(ctx)
    comments = {"clarity": "=HYPERLINK(\"http://x\")", "accuracy": "Exact <script>alert(1)</script>"}
    item = dispatch("review", STAFF, review_payload(comments={**comments, "evidence": ""}), ctx)["item"]
    assert item["attempts"][0]["review"]["comments"] == {"accuracy": comments["accuracy"],
                                                         "clarity": comments["clarity"]}
    mine = dispatch("state", ALICE, {}, ctx)["me"]["attempts"][0]["review"]
    assert mine["comments"]["accuracy"] == "Exact <script>alert(1)</script>"  # raw: the renderer uses textContent
    text = "".join(csv_chunks(ctx))
    assert "comment:clarity" in text and "'=HYPERLINK" in text


@pytest.mark.parametrize("comments, field", [
    ("nice", "comments"), ({"nope": "x"}, "comments"), ({"clarity": 5}, "comments.clarity"),
    ({"clarity": "x" * 4001}, "comments.clarity")])
def test_bad_comments_name_the_field_and_change_nothing(comments, field):
    ctx = make_ctx()
    submit(ctx)
    before = ctx.store.get_record("act-1", "alice").to_dict()
    with pytest.raises(ValidationError) as error:
        dispatch("review", STAFF, review_payload(comments=comments), ctx)
    assert error.value.field == field
    assert ctx.store.get_record("act-1", "alice").to_dict() == before


def test_staff_recording_plays_for_the_reviewed_learner_only():
    ctx = make_ctx()
    submit(ctx)
    submit(ctx, BOB)
    with pytest.raises(PermissionDenied):
        upload_file(ALICE, ctx, "me.wav", "audio/wav", io.BytesIO(WAV), "feedback_audio")
    media = upload_file(STAFF, ctx, "note.wav", "audio/wav", io.BytesIO(WAV), "feedback_audio")
    assert media["kind"] == "audio"
    with pytest.raises(NotFound):
        open_file(ALICE, ctx, media["file_id"])  # not attached yet: staff only
    item = dispatch("review", STAFF, review_payload(media_file_ids=[media["file_id"]]), ctx)["item"]
    assert [m["file_id"] for m in item["attempts"][0]["review"]["media"]] == [media["file_id"]]
    meta, stream = open_file(ALICE, ctx, media["file_id"])
    assert stream.read() == WAV
    with pytest.raises(NotFound):
        open_file(BOB, ctx, media["file_id"])
    with pytest.raises(ValidationError) as error:  # a learner's own evidence file is not a feedback recording
        dispatch("review", STAFF, review_payload("bob", media_file_ids=["nope"]), ctx)
    assert error.value.field == "media_file_ids"


def test_reply_thread_in_both_views_and_the_log_never_changes_status():
    ctx = make_ctx()
    submit(ctx)
    dispatch("review", STAFF, review_payload(), ctx)
    view = dispatch("reply", ALICE, {"attempt": 1, "text": "Which diagram?"}, ctx)
    assert view["me"]["status"] == "revise"
    assert [r["text"] for r in view["me"]["attempts"][0]["thread"]] == ["Which diagram?"]
    assert "author_id" not in view["me"]["attempts"][0]["thread"][0]
    item = dispatch("queue", STAFF, {}, ctx)["items"][0]
    assert item["unread_replies"] == 1 and item["status"] == "revise"
    assert dispatch("queue", STAFF, {"unread": True}, ctx)["total"] == 1
    item = dispatch("reply", STAFF, {"learner_id": "alice", "attempt": 1, "text": "A flow chart"}, ctx)["item"]
    assert item["unread_replies"] == 0 and [r["author_role"] for r in item["attempts"][0]["thread"]] == [
        "learner", "staff"]
    assert dispatch("queue", STAFF, {"unread": True}, ctx)["total"] == 0
    log = dispatch("log", ALICE, {}, ctx)["entries"]
    assert [e["text"] for e in log if e["kind"] == "reply"] == ["Which diagram?", "A flow chart"]


def test_open_item_marks_replies_read():
    ctx = make_ctx()
    submit(ctx)
    dispatch("reply", ALICE, {"attempt": 1, "text": "Hello"}, ctx)
    assert dispatch("open_item", STAFF, {"learner_id": "alice"}, ctx)["item"]["unread_replies"] == 0
    assert dispatch("queue", STAFF, {"unread": True}, ctx)["total"] == 0


def test_learner_replies_only_on_own_attempts():
    ctx = make_ctx()
    submit(ctx)
    with pytest.raises(PermissionDenied):
        dispatch("reply", BOB, {"learner_id": "alice", "attempt": 1, "text": "hi"}, ctx)
    with pytest.raises(NotFound):
        dispatch("reply", BOB, {"attempt": 1, "text": "hi"}, ctx)  # Bob has no work
    with pytest.raises(NotFound):
        dispatch("reply", ALICE, {"attempt": 2, "text": "hi"}, ctx)
    with pytest.raises(ValidationError) as error:
        dispatch("reply", ALICE, {"attempt": 1, "text": ["x"]}, ctx)
    assert error.value.field == "text"
    with pytest.raises(ValidationError) as error:
        dispatch("reply", ALICE, {"attempt": "one", "text": "x"}, ctx)
    assert error.value.field == "attempt"


def test_claims_keep_graders_apart_and_hand_the_review_back():
    ctx = make_ctx()
    submit(ctx)
    item = dispatch("claim", GRADER_A, {"learner_id": "alice"}, ctx)["item"]
    assert item["claimed_by"] == "Ana Grader" and item["claimed_by_me"] is True
    assert dispatch("queue", GRADER_B, {}, ctx)["items"][0]["claimed_by_me"] is False
    with pytest.raises(GradingConflict) as error:
        dispatch("claim", GRADER_B, {"learner_id": "alice"}, ctx)
    assert error.value.status == 409 and error.value.reason == "claimed"
    before = ctx.store.get_record("act-1", "alice").to_dict()
    with pytest.raises(GradingConflict) as error:
        dispatch("review", GRADER_B, review_payload(comments={"clarity": "Tidy"}), ctx)
    body = error.value.to_dict()
    assert body["reason"] == "claimed" and body["by"] == "Ana Grader" and "Ana Grader" in body["message"]
    assert body["kept"]["feedback"] == "Add a diagram" and body["kept"]["comments"] == {"clarity": "Tidy"}
    assert ctx.store.get_record("act-1", "alice").to_dict() == before
    assert dispatch("queue", GRADER_A, {"claimed": "mine"}, ctx)["total"] == 1
    assert dispatch("queue", GRADER_B, {"claimed": "mine"}, ctx)["total"] == 0
    assert dispatch("queue", GRADER_B, {"claimed": "unclaimed"}, ctx)["total"] == 0
    dispatch("review", GRADER_A, review_payload(), ctx)
    dispatch("claim", GRADER_A, {"learner_id": "alice", "release": True}, ctx)
    with pytest.raises(GradingConflict) as error:  # reviewed meanwhile
        dispatch("review", GRADER_B, review_payload(), ctx)
    assert error.value.reason == "reviewed" and error.value.by == "Ana Grader"
    with pytest.raises(ValidationError) as error:
        dispatch("claim", GRADER_B, {"learner_id": "alice", "release": "yes"}, ctx)
    assert error.value.field == "release"


def test_queue_sorts_and_shows_waiting_time():
    ctx = make_ctx()
    for actor, name in ((ALICE, "zoe"), (BOB, "Adam"), (Actor("carol", display_name="mia"), "mia")):
        submit(ctx, Actor(actor.user_id, display_name=name))
    oldest = dispatch("queue", STAFF, {"status": "submitted"}, ctx)["items"]
    assert [i["learner_id"] for i in oldest] == ["alice", "bob", "carol"]
    assert oldest[0]["waiting_seconds"] > oldest[2]["waiting_seconds"] >= 0
    newest = dispatch("queue", STAFF, {"sort": "newest"}, ctx)["items"]
    assert [i["learner_id"] for i in newest] == ["carol", "bob", "alice"]
    by_name = dispatch("queue", STAFF, {"sort": "name"}, ctx)["items"]
    assert [i["display_name"] for i in by_name] == ["Adam", "mia", "zoe"]
    with pytest.raises(ValidationError) as error:
        dispatch("queue", STAFF, {"sort": "random"}, ctx)
    assert error.value.field == "sort"
    with pytest.raises(ValidationError) as error:
        dispatch("queue", STAFF, {"unread": 1}, ctx)
    assert error.value.field == "unread"
    inexact = dispatch("queue", STAFF, {"option_id": "write", "unread": True}, ctx)
    assert inexact["total_exact"] is False and inexact["total"] == 0


def test_accommodation_extends_due_date_and_revisions_everywhere():
    ctx = make_ctx(max_revisions=0)
    due = (ctx.clock.now + timedelta(hours=1)).isoformat()
    ctx.activity = parse_activity({**default_choice_definition(),
                                   "policies": {**default_choice_definition()["policies"], "due": due,
                                                "max_revisions": 0}})
    submit(ctx)
    dispatch("review", STAFF, review_payload(), ctx)
    later = (ctx.clock.now + timedelta(days=3)).isoformat()
    item = dispatch("accommodate", STAFF, {"learner_id": "alice", "due": later, "extra_revisions": 1}, ctx)["item"]
    assert item["accommodation"]["extra_revisions"] == 1 and item["due"].startswith(later[:16])
    assert item["revisions_left"] == 1
    ctx.clock.now += timedelta(hours=2)  # past the activity's due date, not Alice's
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["past_due"] is False and me["can"]["submit"] is True and me["due"] == item["due"]
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    dispatch("submit", ALICE, {"text": "Second try"}, ctx)
    dispatch("choose", BOB, {"option_id": "write"}, ctx)
    dispatch("self_assess", BOB, {"ratings": GOOD_RATINGS}, ctx)
    with pytest.raises(PastDue):
        dispatch("submit", BOB, {"text": "late"}, ctx)
    assert "accommodated_due" in "".join(csv_chunks(ctx))
    # a brand-new learner can be accommodated before starting; a cleared one falls back to the activity's
    assert dispatch("accommodate", STAFF, {"learner_id": "dan", "due": later}, ctx)["item"]["status"] == \
        "not_started"
    dan_rows = [line for line in "".join(csv_chunks(ctx)).splitlines() if line.startswith("dan,")]
    assert len(dan_rows) == 1 and dan_rows[0].endswith(later[:19] + "+00:00,0")
    cleared = dispatch("accommodate", STAFF, {"learner_id": "dan", "due": None}, ctx)["item"]
    assert cleared["accommodation"] is None and cleared["due"] == parse_activity(
        {**default_choice_definition(), "policies": {"due": due}}).policies.due_at().isoformat()
    for bad, field in (({"due": "tomorrow"}, "due"), ({"due": 5}, "due"), ({"extra_revisions": -1},
                                                                           "extra_revisions")):
        with pytest.raises(ValidationError) as error:
            dispatch("accommodate", STAFF, {"learner_id": "alice", **bad}, ctx)
        assert error.value.field == field


def test_past_attempts_read_as_given_after_the_rubric_changes():
    ctx = make_ctx()
    submit(ctx)
    dispatch("review", STAFF, review_payload(comments={"clarity": "Clear"}), ctx)
    assert dispatch("rubric_impact", STAFF, {}, ctx) == {"learners_with_attempts": 1, "attempts_exist": True}
    definition = default_choice_definition()
    definition["criteria"] = [{"id": "depth", "title": "Depth"}, {**definition["criteria"][1], "title": "Renamed"}]
    definition["options"][0]["title"] = "Write it up (new)"
    ctx.activity = parse_activity(definition)
    old = dispatch("state", ALICE, {}, ctx)["me"]["attempts"][0]
    assert [c["id"] for c in old["criteria"]] == ["accuracy", "clarity", "evidence"]
    assert old["criteria"][1]["title"] != "Renamed" and old["option_title"] != "Write it up (new)"
    assert old["review"]["ratings"] == GOOD_RATINGS and old["review"]["comments"] == {"clarity": "Clear"}
    dispatch("self_assess", ALICE, {"ratings": {"depth": "meets", "clarity": "meets"}}, ctx)
    dispatch("submit", ALICE, {"text": "v2"}, ctx)
    new = dispatch("state", ALICE, {}, ctx)["me"]["attempts"][1]
    assert [c["title"] for c in new["criteria"]] == ["Depth", "Renamed"]
    item = dispatch("review", STAFF, review_payload(attempt=2, decision="mastered",
                                                    ratings={"depth": "meets", "clarity": "exceeds"}), ctx)
    assert item["item"]["status"] == "mastered"


def test_comment_bank_is_shared_by_the_course_and_round_trips_csv():
    ctx = make_ctx()
    other = make_ctx(store=ctx.store, activity_key="act-2")
    elsewhere = make_ctx(store=ctx.store, course_key="course-2")
    ids = iter(range(10**6))
    elsewhere.new_id = lambda: f"other{next(ids)}"  # real ids are random; these contexts share one store
    dispatch("comment_bank", STAFF, {"action": "add", "criterion_id": "clarity", "text": "=Shorter sentences"}, ctx)
    dispatch("comment_bank", STAFF, {"action": "add", "text": "Well argued"}, ctx)
    listed = dispatch("comment_bank", STAFF, {"action": "list"}, other)["comments"]
    assert [c["text"] for c in listed] == ["=Shorter sentences", "Well argued"]
    assert dispatch("comment_bank", STAFF, {"action": "list"}, elsewhere)["comments"] == []
    exported = dispatch("comment_bank", STAFF, {"action": "export"}, ctx)["csv"]
    assert "'=Shorter" in exported
    result = dispatch("comment_bank", STAFF, {"action": "import", "csv": exported}, elsewhere)
    assert result["imported"] == 2 and [c["text"] for c in result["comments"]][0] == "=Shorter sentences"
    assert dispatch("comment_bank", STAFF, {"action": "import", "csv": exported}, elsewhere)["imported"] == 0
    with pytest.raises(NotFound):  # another course's entry cannot be removed from here
        dispatch("comment_bank", STAFF, {"action": "remove", "id": listed[0]["id"]}, elsewhere)
    dispatch("comment_bank", STAFF, {"action": "remove", "id": listed[0]["id"]}, ctx)
    assert len(dispatch("comment_bank", STAFF, {"action": "list"}, ctx)["comments"]) == 1
    with pytest.raises(PermissionDenied):
        dispatch("comment_bank", ALICE, {"action": "list"}, ctx)


@pytest.mark.parametrize("csv_text, fragment", [
    ("name,comment\r\nx,y\r\n", "header"),
    ("criterion_id,text\r\nclarity,=cmd|' /C calc'!A0\r\n", "formula"),
    ("criterion_id,text\r\nBAD ID,hi\r\n", "criterion id"),
    ("criterion_id,text\r\nclarity,hi,extra\r\n", "two cells"),
    ("criterion_id,text\r\nclarity,\x01\x02PK\x03\x04\r\n", "binary"),
])
def test_hostile_bank_csv_is_refused_clearly(csv_text, fragment):
    ctx = make_ctx()
    with pytest.raises(ValidationError) as error:
        dispatch("comment_bank", STAFF, {"action": "import", "csv": csv_text}, ctx)
    assert error.value.field == "csv" and fragment in str(error.value)
    assert ctx.store.list_bank_comments("course-1") == []


def test_resend_grade_asks_the_sink_and_refuses_without_a_decision():
    ctx = make_ctx()
    submit(ctx)
    with pytest.raises(IllegalTransition):
        dispatch("resend_grade", STAFF, {"learner_id": "alice"}, ctx)
    dispatch("review", STAFF, review_payload(decision="mastered"), ctx)
    item = dispatch("resend_grade", STAFF, {"learner_id": "alice"}, ctx)["item"]
    assert item["grade_delivery"] is None and ctx.grades.events[-1] == ("resent", "alice", 1, None)
    with pytest.raises(NotFound):
        dispatch("resend_grade", STAFF, {"learner_id": "nobody"}, ctx)


@pytest.mark.parametrize("command", ["claim", "open_item", "accommodate", "comment_bank", "rubric_impact",
                                     "resend_grade", "queue", "review"])
def test_learners_are_refused_every_staff_command(command):
    ctx = make_ctx()
    submit(ctx)
    before = ctx.store.get_record("act-1", "alice").to_dict()
    with pytest.raises(PermissionDenied):
        dispatch(command, ALICE, {"learner_id": "alice", "action": "list"}, ctx)
    assert ctx.store.get_record("act-1", "alice").to_dict() == before


def test_counters_from_claims_and_replies_match_a_recompute():
    ctx = make_ctx()
    submit(ctx)
    submit(ctx, BOB)
    dispatch("claim", GRADER_A, {"learner_id": "bob"}, ctx)
    dispatch("reply", ALICE, {"attempt": 1, "text": "?"}, ctx)
    expected = analytics.recompute(ctx.store.iter_records("act-1"))
    stored = {k: v for k, v in ctx.store.get_counters("act-1").items() if v}
    assert stored == {k: v for k, v in expected.items() if v}


def test_my_data_export_keeps_the_thread_without_staff_ids():
    ctx = make_ctx()
    submit(ctx)
    dispatch("claim", GRADER_A, {"learner_id": "alice"}, ctx)
    dispatch("reply", GRADER_A, {"learner_id": "alice", "attempt": 1, "text": "Looking now"}, ctx)
    dispatch("accommodate", GRADER_A, {"learner_id": "alice", "extra_revisions": 1}, ctx)
    exported = dispatch("my_data", ALICE, {"action": "export"}, ctx)
    text = repr(exported)
    assert "Looking now" in text and "grader-a" not in text


def test_a_review_of_an_attempt_reviewed_and_resubmitted_meanwhile_is_409_with_the_text_kept():
    ctx = make_ctx()
    submit(ctx)
    dispatch("review", GRADER_A, review_payload(), ctx)
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    dispatch("submit", ALICE, {"text": "v2"}, ctx)
    with pytest.raises(GradingConflict) as error:
        dispatch("review", GRADER_B, review_payload(feedback="Late but careful"), ctx)
    body = error.value.to_dict()
    assert body["reason"] == "reviewed" and body["by"] == "Ana Grader" and body["kept"]["feedback"] == \
        "Late but careful"


def test_olx_carries_the_current_criteria_not_the_snapshots():
    from xblock_plchoice.core.olx import definition_to_xml, parse_definition_xml

    ctx = make_ctx()
    submit(ctx)
    definition = default_choice_definition()
    definition["criteria"] = [{"id": "depth", "title": "Depth", "description": ""}]
    ctx.activity = parse_activity(definition)
    round_trip = parse_definition_xml(definition_to_xml(definition))
    assert [c["id"] for c in round_trip["criteria"]] == ["depth"]
    snapshot = ctx.store.get_record("act-1", "alice").attempts[0]["criteria"]
    assert [c["id"] for c in snapshot] == ["accuracy", "clarity", "evidence"]
    assert "accuracy" not in definition_to_xml(definition)


def test_a_grader_with_a_255_character_id_fits_the_counter_names():
    ctx = make_ctx()
    submit(ctx)
    long_grader = Actor("g" * 255, "staff", "Long Id")
    dispatch("claim", long_grader, {"learner_id": "alice"}, ctx)
    assert max(len(name) for name in ctx.store.get_counters("act-1")) <= 128
    assert dispatch("queue", long_grader, {"claimed": "mine"}, ctx)["total"] == 1


def test_a_review_that_loses_a_race_keeps_the_text():
    ctx = make_ctx()
    submit(ctx)
    real_save = ctx.store.save_record

    def learner_saves_first(record, expected):  # the learner's reply lands between our read and our write
        ctx.store.save_record = real_save
        stale = ctx.store.get_record("act-1", "alice")
        stale.version += 1
        real_save(stale, expected)
        real_save(record, expected)

    ctx.store.save_record = learner_saves_first
    with pytest.raises(GradingConflict) as error:
        dispatch("review", STAFF, review_payload(feedback="Keep me"), ctx)
    assert error.value.reason == "changed" and error.value.kept["feedback"] == "Keep me"
