"""Issue 9 through the XBlock handlers (real workbench runtime, real edx-submissions): the new commands,
their authorization matrix, wrong types, and the edx-submissions score state on queue items."""

from __future__ import annotations

import json

import pytest
from submissions import api as submissions_api

from xblock_plchoice.blocks.grading import student_item

from .helpers import anon, upload

RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64
SCRIPT = "<img src=x onerror=alert(1)><script>alert(2)</script>"
STAFF_COMMANDS = ("claim", "open_item", "accommodate", "comment_bank", "rubric_impact", "resend_grade", "queue",
                  "review")


def _submit(harness, user="alice", text="My evidence"):
    assert harness.json(user, "choose", {"option_id": "write"})[0] == 200
    assert harness.json(user, "self_assess", {"ratings": RATINGS})[0] == 200
    status, view = harness.json(user, "submit", {"text": text})
    assert status == 200, view
    return view


def _review(harness, staff="staff", user="alice", **extra):
    return harness.json(staff, "review", {"learner_id": anon(user), "attempt": 1, "ratings": RATINGS,
                                          "feedback": "Add a source", "decision": "revise", **extra})


def test_comments_recording_reply_and_thread_in_both_views(choice):
    _submit(choice)
    status, media = upload(choice, "staff", "note.wav", WAV, kind="feedback_audio")
    assert status == 200, media
    status, body = _review(choice, comments={"clarity": SCRIPT}, media_file_ids=[media["file_id"]])
    assert status == 200, body
    review = body["item"]["attempts"][0]["review"]
    assert review["comments"] == {"clarity": SCRIPT} and review["media"][0]["file_id"] == media["file_id"]
    # the learner reviewed can play it; another learner cannot even see it exists
    assert choice.call(choice.block("alice"), "file", method="GET", suffix=media["file_id"]).status_int == 200
    _submit(choice, "bob")
    assert choice.call(choice.block("bob"), "file", method="GET", suffix=media["file_id"]).status_int == 404

    status, view = choice.json("alice", "reply", {"attempt": 1, "text": SCRIPT})
    assert status == 200 and view["me"]["status"] == "revise"
    assert view["me"]["attempts"][0]["thread"][0]["text"] == SCRIPT  # raw: rendered with textContent only
    status, queue = choice.json("staff", "queue", {"unread": True})
    assert status == 200 and [i["learner_id"] for i in queue["items"]] == [anon("alice")]
    assert queue["items"][0]["unread_replies"] == 1
    status, body = choice.json("staff", "reply", {"learner_id": anon("alice"), "attempt": 1, "text": "Sure"})
    assert status == 200 and body["item"]["unread_replies"] == 0
    assert [e["author_role"] for e in choice.json("alice", "log")[1]["entries"] if e["kind"] == "reply"] == [
        "learner", "staff"]


def test_learner_a_cannot_touch_bs_thread(choice):
    _submit(choice, "bob")
    status, body = choice.json("alice", "reply", {"learner_id": anon("bob"), "attempt": 1, "text": "hi"})
    assert status == 403 and body["error"] == "forbidden"
    status, body = choice.json("alice", "reply", {"attempt": 1, "text": "hi"})
    assert status == 404
    assert choice.json("bob", "state")[1]["me"]["attempts"][0]["thread"] == []


@pytest.mark.parametrize("command", STAFF_COMMANDS)
def test_a_learner_is_refused_every_staff_command(choice, command):
    _submit(choice)
    status, body = choice.json("alice", command, {"learner_id": anon("alice"), "action": "list"})
    assert status == 403 and body["error"] == "forbidden"


def test_a_second_grader_is_refused_a_claimed_item_and_keeps_their_text(choice):
    _submit(choice)
    status, body = choice.json("staff", "claim", {"learner_id": anon("alice")})
    assert status == 200 and body["item"]["claimed_by"]
    status, body = _review(choice, "staff2", comments={"clarity": "Mine"})
    assert status == 409 and body["reason"] == "claimed" and body["kept"]["comments"] == {"clarity": "Mine"}
    assert body["by"] in body["message"]
    status, body = choice.json("staff2", "claim", {"learner_id": anon("alice"), "release": True})
    assert status == 409 and body["reason"] == "claimed"
    assert _review(choice, "staff")[0] == 200
    assert choice.json("staff", "claim", {"learner_id": anon("alice"), "release": True})[0] == 200
    status, body = _review(choice, "staff2")
    assert status == 409 and body["reason"] == "reviewed"


@pytest.mark.parametrize("command, payload, field", [
    ("review", {"attempt": 1, "ratings": RATINGS, "decision": "revise", "feedback": "x", "comments": "x"},
     "comments"),
    ("review", {"attempt": 1, "ratings": RATINGS, "decision": "revise", "feedback": "x", "media_file_ids": "x"},
     "media_file_ids"),
    ("reply", {"attempt": [1], "text": "x"}, "attempt"),
    ("reply", {"attempt": 1, "text": {"a": 1}}, "text"),
    ("claim", {"release": "no"}, "release"),
    ("accommodate", {"due": ["2030"]}, "due"),
    ("accommodate", {"extra_revisions": "lots"}, "extra_revisions"),
    ("comment_bank", {"action": "shout"}, "action"),
    ("comment_bank", {"action": "add", "criterion_id": 7, "text": "x"}, "criterion_id"),
    ("comment_bank", {"action": "import", "csv": 3}, "csv"),
    ("queue", {"sort": ["oldest"]}, "sort"),
    ("queue", {"claimed": "theirs"}, "claimed"),
    ("queue", {"unread": "yes"}, "unread"),
    ("resend_grade", {"learner_id": 5}, "learner_id"),
])
def test_wrong_types_are_400_naming_the_field(choice, command, payload, field):
    _submit(choice)
    body = {"learner_id": anon("alice"), **payload}
    status, answer = choice.json("staff", command, body)
    assert status == 400 and answer["field"] == field, answer


def test_accommodation_shows_to_the_learner_and_lands_in_the_csv(choice):
    status, body = choice.json("staff", "accommodate", {"learner_id": anon("alice"), "due": "2031-05-01T12:00:00Z",
                                                         "extra_revisions": 2})
    assert status == 200 and body["item"]["accommodation"]["extra_revisions"] == 2
    me = choice.json("alice", "state")[1]["me"]
    assert me["due"].startswith("2031-05-01T12:00") and me["accommodation"]["extra_revisions"] == 2
    _submit(choice)
    response = choice.call(choice.block("staff"), "export", method="GET")
    text = response.body.decode("utf-8-sig")
    assert "accommodated_due" in text and "2031-05-01T12:00:00+00:00" in text


def test_comment_bank_and_rubric_impact(choice):
    status, body = choice.json("staff", "comment_bank", {"action": "add", "criterion_id": "clarity",
                                                         "text": SCRIPT})
    assert status == 200 and body["comments"][0]["text"] == SCRIPT
    status, exported = choice.json("staff", "comment_bank", {"action": "export"})
    assert status == 200 and exported["csv"].startswith("criterion_id,text")
    status, body = choice.json("staff", "comment_bank", {"action": "import", "csv": "a,b\r\n"})
    assert status == 400 and body["field"] == "csv"
    assert choice.json("staff", "rubric_impact")[1] == {"learners_with_attempts": 0, "attempts_exist": False}
    _submit(choice)
    assert choice.json("staff", "rubric_impact")[1]["learners_with_attempts"] == 1


def test_queue_items_carry_the_edx_submissions_score_state(choice):
    _submit(choice)
    status, body = _review(choice, decision="mastered", feedback="")
    assert status == 200
    delivery = body["item"]["grade_delivery"]
    assert delivery["state"] == "delivered" and delivery["reason_code"] == "recorded"
    item = student_item(anon("alice"), "workbench", str(choice.usage_id))
    assert submissions_api.get_score(item)["points_earned"] > 0
    # a score edx-submissions lost (rows gone, e.g. a restore from an older backup) shows as failed; resend
    # sets it again, once
    from submissions.models import Score, ScoreSummary

    ScoreSummary.objects.all().delete()
    Score.objects.all().delete()
    queue = choice.json("staff", "queue", {})[1]
    assert queue["items"][0]["grade_delivery"]["state"] == "failed"
    status, body = choice.json("staff", "resend_grade", {"learner_id": anon("alice")})
    assert status == 200 and body["item"]["grade_delivery"]["state"] == "delivered"
    assert choice.json("staff", "resend_grade", {"learner_id": anon("alice")})[0] == 200
    assert Score.objects.count() == 1  # a second resend of a recorded score adds nothing
    assert "NaN" not in json.dumps(body) and "undefined" not in json.dumps(body)


def test_the_studio_editor_knows_how_many_learners_submitted_before_an_edit(choice):
    assert choice.block("staff").studio_view().json_init_args["rubric_impact"] == {
        "learners_with_attempts": 0, "attempts_exist": False}
    _submit(choice)
    assert choice.block("staff").studio_view().json_init_args["rubric_impact"]["learners_with_attempts"] == 1
