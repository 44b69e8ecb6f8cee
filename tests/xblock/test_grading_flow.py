"""The whole learner/staff loop through the handlers, with grades in real edx-submissions."""

from __future__ import annotations

from submissions import api as submissions_api

from xblock_plchoice.blocks.grading import student_item

from .helpers import anon, upload

PDF = b"%PDF-1.4\n% test evidence\n" + b"0" * 2000


def _item(harness, user_id):
    return student_item(anon(user_id), "workbench", str(harness.usage_id))


def _events(block):
    """Grade and completion events (the edx.plchoice.* tracking events are tests/xapi's business)."""
    seen = []
    block.runtime.publish = lambda blk, name, data: None if name.startswith("edx.plchoice.") else seen.append(
        (name, data))
    return seen


def test_submit_creates_submission_and_completion_then_mastery_sets_the_learners_score(choice):
    status, view = choice.json("alice", "choose", {"option_id": "write"})
    assert status == 200 and view["me"]["status"] == "chosen"

    status, file_view = upload(choice, "alice", "diagram.pdf", PDF)
    assert status == 200, file_view
    assert file_view["size"] == len(PDF) and file_view["url"].startswith("/handler/")

    evidence = {"text": "Light + water + CO2 -> glucose + O2", "links": [], "file_ids": [file_view["file_id"]]}
    assert choice.json("alice", "save_draft", evidence)[0] == 200
    ratings = {"accuracy": "meets", "clarity": "meets", "evidence": "not_yet"}
    assert choice.json("alice", "self_assess", {"ratings": ratings, "comment": "ok"})[0] == 200

    block = choice.block("alice")
    events = _events(block)
    response = choice.call(block, "submit", evidence)
    assert response.status_int == 200, response.body
    assert ("completion", {"completion": 1.0}) in events

    submissions = submissions_api.get_submissions(_item(choice, "alice"))
    assert [s["attempt_number"] for s in submissions] == [1]
    assert submissions_api.get_score(_item(choice, "alice")) is None  # completion on submit, not a grade

    # Staff asks for a revision: feedback, not a zero in the gradebook.
    staff_block = choice.block("staff")
    staff_events = _events(staff_block)
    review = {"learner_id": anon("alice"), "attempt": 1, "ratings": ratings,
              "feedback": "Add the role of chlorophyll.", "decision": "revise"}
    response = choice.call(staff_block, "review", review)
    assert response.status_int == 200, response.body
    assert submissions_api.get_score(_item(choice, "alice")) is None

    # A new attempt needs a new self-assessment (the policy says "required").
    assert choice.json("alice", "self_assess", {"ratings": ratings, "comment": "better"})[0] == 200
    status, body = choice.json("alice", "submit", {**evidence, "text": evidence["text"] + " Chlorophyll."})
    assert status == 200, body
    status, body = choice.json("staff", "review", {**review, "attempt": 2, "decision": "mastered",
                                                   "feedback": "Clear."})
    assert status == 200, body
    score = submissions_api.get_score(_item(choice, "alice"))
    assert (score["points_earned"], score["points_possible"]) == (10, 10)
    # The staff member was never graded, and no grade event was published on their request.
    assert submissions_api.get_score(_item(choice, "staff")) is None
    assert not [e for e in staff_events if e[0] == "grade"]

    state = choice.json("alice", "state")[1]
    assert state["me"]["status"] == "mastered"
    assert [a["number"] for a in state["me"]["attempts"]] == [1, 2]


def test_max_score_and_fractional_points_keep_the_ratio(choice):
    from xblock_plchoice.blocks.grading import integer_points

    assert choice.block("alice").max_score() == 10
    assert integer_points(2.5, 7.5) == (250, 750)
    assert integer_points(3, 4) == (3, 4)


def test_reflection_block_publishes_completion_on_after_reflection(reflection):
    block = reflection.block("bob")
    events = _events(block)
    before = {"phase": "before", "answers": {"goal": "Read more", "strategy": "Notes"}, "share_with_staff": False}
    assert reflection.call(block, "reflect", before).status_int == 200
    assert events == []
    block = reflection.block("bob")
    events = _events(block)
    after = {"phase": "after", "answers": {"learned": "Spacing works", "next": "Keep going"},
             "share_with_staff": True}
    response = reflection.call(block, "reflect", after)
    assert response.status_int == 200, response.body
    assert events == [("completion", {"completion": 1.0})]
    assert reflection.json("bob", "choose", {"option_id": "write"})[0] == 409


def test_instructor_reset_clears_the_score_and_lets_the_learner_start_over(choice):
    ratings = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}
    assert choice.json("alice", "choose", {"option_id": "write"})[0] == 200
    assert choice.json("alice", "self_assess", {"ratings": ratings})[0] == 200
    assert choice.json("alice", "submit", {"text": "first"})[0] == 200
    status, body = choice.json("staff", "review", {"learner_id": anon("alice"), "attempt": 1, "ratings": ratings,
                                                   "feedback": "", "decision": "mastered"})
    assert status == 200, body
    assert submissions_api.get_score(_item(choice, "alice"))["points_earned"] == 10

    # What the Instructor Dashboard's "reset attempts" calls for submission-based blocks:
    submissions_api.reset_score(anon("alice"), "workbench", str(choice.usage_id))

    assert submissions_api.get_score(_item(choice, "alice")) is None
    me = choice.json("alice", "state")[1]["me"]
    assert me["status"] == "not_started" and me["can"]["choose"] is True
    assert [a["number"] for a in me["attempts"]] == [1]  # history kept
    assert choice.json("alice", "choose", {"option_id": "build"})[0] == 200
    assert choice.json("alice", "self_assess", {"ratings": ratings})[0] == 200
    status, body = choice.json("alice", "submit", {"text": "second start"})
    assert status == 200 and [a["number"] for a in body["me"]["attempts"]] == [1, 2]
