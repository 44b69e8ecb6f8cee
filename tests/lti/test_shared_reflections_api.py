"""The LTI tool's /api/shared_reflections and the redirect suggestion: the same core command as the
XBlock, through the tool's own launch, roles and store (SQLite with the Alembic migrations)."""

from __future__ import annotations

import pytest

from .conftest import api_headers, launch_config
from .helpers.tokens import INSTRUCTOR


def launched(app, platform, **overrides):
    client = app.test_client()
    response, _, _ = platform.launch(client, **overrides)
    assert response.status_code == 200, response.get_data(as_text=True)
    return client, api_headers(launch_config(response))


def test_staff_read_only_shared_answers_newest_first_and_learners_are_refused(app, platform):
    alice, alice_headers = launched(app, platform, sub="alice")
    bob, bob_headers = launched(app, platform, sub="bob")
    for client, headers, share, goal in ((alice, alice_headers, True, "Explain it"),
                                         (bob, bob_headers, False, "Private goal")):
        answer = client.post("/api/reflect", json={"phase": "before", "share_with_staff": share,
                                                   "answers": {"plan": "Read", "goal": goal}}, headers=headers)
        assert answer.status_code == 200, answer.json

    refused = alice.post("/api/shared_reflections", json={}, headers=alice_headers)
    assert refused.status_code == 403 and refused.json["error"] == "forbidden"

    staff, staff_headers = launched(app, platform, sub="teacher-1", roles=[INSTRUCTOR])
    listing = staff.post("/api/shared_reflections", json={"page": 1, "page_size": 5}, headers=staff_headers)
    assert listing.status_code == 200, listing.json
    assert listing.json["total"] == 1 and listing.json["pages"] == 1
    entry = listing.json["items"][0]
    assert [a["prompt_id"] for a in entry["answers"]] == ["goal", "plan"]  # authored order
    assert entry["answers"][0]["answer"] == "Explain it"
    assert "Private goal" not in listing.get_data(as_text=True)


@pytest.mark.parametrize("payload, field", [
    ({"page": "one"}, "page"), ({"page": [1]}, "page"), ({"page": 0}, "page"),
    ({"page_size": {"n": 1}}, "page_size"), ({"page_size": 100000}, "page_size"),
])
def test_wrong_types_are_400_naming_the_field(app, platform, payload, field):
    staff, headers = launched(app, platform, sub="teacher-1", roles=[INSTRUCTOR])
    answer = staff.post("/api/shared_reflections", json=payload, headers=headers)
    assert answer.status_code == 400 and answer.json["field"] == field, answer.json


def test_redirect_suggestion_is_checked_and_shown_to_the_learner(app, platform):
    learner, learner_headers = launched(app, platform, sub="cy")
    assert learner.post("/api/propose", json={"title": "A dance", "plan": "Moves"},
                        headers=learner_headers).status_code == 200
    learner_id = learner.post("/api/state", json={}, headers=learner_headers).json
    staff, staff_headers = launched(app, platform, sub="teacher-1", roles=[INSTRUCTOR])
    item = staff.post("/api/queue", json={"status": "proposal_pending"}, headers=staff_headers).json["items"][0]
    base = {"learner_id": item["learner_id"], "decision": "redirect", "note": "Try a talk."}
    for bad in ("nope", 7, ["record"], {"id": "record"}):
        answer = staff.post("/api/decide_proposal", json={**base, "suggested_option_id": bad}, headers=staff_headers)
        assert answer.status_code == 400 and answer.json["field"] == "suggested_option_id", answer.json
    refused = learner.post("/api/decide_proposal", json={**base, "suggested_option_id": "record"},
                           headers=learner_headers)
    assert refused.status_code == 403
    done = staff.post("/api/decide_proposal", json={**base, "suggested_option_id": "record"}, headers=staff_headers)
    assert done.status_code == 200, done.json
    me = learner.post("/api/state", json={}, headers=learner_headers).json["me"]
    assert me["proposal"]["suggested_option"]["id"] == "record" and learner_id["me"]["status"] == "proposal_pending"


def test_without_a_launch_the_command_is_refused(app, platform):
    anonymous = app.test_client()
    answer = anonymous.post("/api/shared_reflections", json={})
    assert answer.status_code in (401, 403), answer.status_code
    assert answer.json["error"] and "items" not in answer.json
