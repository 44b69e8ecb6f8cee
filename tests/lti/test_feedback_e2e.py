"""Issue 9 in the LTI home, over HTTP with the real demo platform and tool processes: a recorded feedback
and per-criterion comments, the learner's reply, claims between two instructors, accommodations, the
authorization matrix, and grade delivery state + ``resend_grade`` staying exactly once per decision."""

from __future__ import annotations

import time

from sqlalchemy import select

from lti_tool.db.outbox_models import GradeOutbox
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, launch_config, platform_state, wait_for
from .test_ags_outbox_faults import faults
from .test_ags_scores import scores_at_least, submit_work

RATINGS = {"accuracy": "meets", "clarity": "exceeds", "evidence": "meets"}
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64
SCRIPT = "<script>alert(1)</script>"
STAFF_COMMANDS = ("claim", "open_item", "accommodate", "comment_bank", "rubric_impact", "resend_grade", "queue",
                  "review")


def _setup(lms, tool, **env):
    platform, server = lms("generic"), tool(**env)
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    return platform, server, teacher, link


def _upload(browser: Browser, page: str, kind: str):
    transport = launch_config(page)["transport"]
    headers = {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: transport["csrfToken"]}
    return browser.http.post(transport["apiBase"] + "/upload", data={"kind": kind}, headers=headers,
                             files={"file": ("note.wav", WAV, "audio/wav")}, timeout=30)


def _review(teacher: Browser, page: str, **extra):
    return teacher.api(page, "review", {"learner_id": "learner-1", "attempt": 1, "ratings": RATINGS,
                                        "feedback": "Cite one observation.", "decision": "revise", **extra})


def test_dialogue_claims_and_the_authorization_matrix(lms, tool):
    platform, server, teacher, link = _setup(lms, tool)
    learner = Browser(platform, server, "learner-1")
    learner_page = submit_work(learner, link["id"])
    teacher_page = teacher.launch("link", link=link["id"]).text

    for command in STAFF_COMMANDS:  # a learner on every staff command
        response = learner.api(learner_page, command, {"learner_id": "learner-1", "action": "list"})
        assert response.status_code == 403, (command, response.text)
    assert learner.api(learner_page, "reply", {"learner_id": "learner-2", "attempt": 1, "text": "hi"}
                       ).status_code == 403

    uploaded = _upload(teacher, teacher_page, "feedback_audio")
    assert uploaded.status_code == 200, uploaded.text
    assert _upload(learner, learner_page, "feedback_audio").status_code == 403
    media_id = uploaded.json()["file_id"]

    second = Browser(platform, server, "instructor-2")
    second_page = second.launch("link", link=link["id"]).text
    claimed = teacher.api(teacher_page, "claim", {"learner_id": "learner-1"})
    assert claimed.status_code == 200 and claimed.json()["item"]["claimed_by_me"] is True
    refused = _review(second, second_page, comments={"clarity": "Mine"})
    assert refused.status_code == 409 and refused.json()["reason"] == "claimed"
    assert refused.json()["kept"]["comments"] == {"clarity": "Mine"}
    mine = second.api(second_page, "queue", {"claimed": "mine"}).json()
    assert mine["total"] == 0

    reviewed = _review(teacher, teacher_page, comments={"clarity": SCRIPT}, media_file_ids=[media_id])
    assert reviewed.status_code == 200, reviewed.text
    attempt = learner.api(learner_page, "state").json()["me"]["attempts"][0]
    assert attempt["review"]["comments"] == {"clarity": SCRIPT}
    media_url = attempt["review"]["media"][0]["url"]
    assert learner.http.get(media_url, timeout=30).content == WAV  # the learner reviewed plays it

    replied = learner.api(learner_page, "reply", {"attempt": 1, "text": SCRIPT})
    assert replied.status_code == 200 and replied.json()["me"]["status"] == "revise"
    unread = teacher.api(teacher_page, "queue", {"unread": True}).json()
    assert [i["learner_id"] for i in unread["items"]] == ["learner-1"] and unread["items"][0]["unread_replies"] == 1
    assert "not_started" not in unread  # the NRPS roster of learners with no work is for the main queue only
    assert teacher.api(teacher_page, "open_item", {"learner_id": "learner-1"}).json()["item"]["unread_replies"] == 0

    bad = teacher.api(teacher_page, "accommodate", {"learner_id": "learner-1", "extra_revisions": "many"})
    assert bad.status_code == 400 and bad.json()["field"] == "extra_revisions"
    granted = teacher.api(teacher_page, "accommodate", {"learner_id": "learner-1", "due": "2031-01-01T00:00:00Z",
                                                        "extra_revisions": 1})
    assert granted.status_code == 200
    me = learner.api(learner_page, "state").json()["me"]
    assert me["due"].startswith("2031-01-01") and me["revisions_left"] == 4
    assert platform_state(platform)["scores"]  # the submit reached the gradebook meanwhile


def test_delivery_state_and_resend_keep_one_grade_per_decision(lms, tool):
    platform, server, teacher, link = _setup(lms, tool, PLCHOICE_OUTBOX_MAX_TRIES="2")
    learner = Browser(platform, server, "learner-1")
    submit_work(learner, link["id"])
    scores_at_least(platform, 1)
    teacher_page = teacher.launch("link", link=link["id"]).text

    faults(platform, mode="503")  # the gradebook is down: the decision's message gives up after 2 tries
    assert _review(teacher, teacher_page, decision="mastered", feedback="").status_code == 200

    def failed():
        item = teacher.api(teacher_page, "queue", {}).json()["items"][0]
        return item if item["grade_delivery"]["state"] == "failed" else None

    item = wait_for(failed, message="the message given up")
    delivery = item["grade_delivery"]
    assert delivery["reason_code"] == "gave_up" and "503" not in delivery["reason"] and delivery["attempt"] == 1

    faults(platform, mode="ok")
    resent = teacher.api(teacher_page, "resend_grade", {"learner_id": "learner-1"})
    assert resent.status_code == 200 and resent.json()["item"]["grade_delivery"]["state"] == "pending"
    scores = scores_at_least(platform, 2)
    assert teacher.api(teacher_page, "resend_grade", {"learner_id": "learner-1"}).status_code == 200
    time.sleep(2)  # a duplicate would arrive now
    scores = platform_state(platform)["scores"]
    assert len(scores) == 2 and scores[1]["scoreGiven"] == 10
    with server.sessions()() as session:
        rows = list(session.scalars(select(GradeOutbox).order_by(GradeOutbox.id)))
    assert [r.status for r in rows] == ["delivered", "delivered"] and len({r.idempotency_key for r in rows}) == 2
    item = teacher.api(teacher_page, "queue", {}).json()["items"][0]
    assert item["grade_delivery"]["state"] == "delivered" and item["grade_delivery"]["reason_code"] == "delivered"
