"""Calibration and the chart data through the XBlock handlers on the real workbench runtime: a learner's
log carries only their own judgement, staff see it per learner in the queue, and learners get a 403 for
the staff views."""

from __future__ import annotations

from .helpers import Harness, anon

RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}


def submit_and_review(harness: Harness, user: str, self_evidence: str, decision: str) -> None:
    assert harness.json(user, "choose", {"option_id": "write"})[0] == 200
    assert harness.json(user, "self_assess", {"ratings": {**RATINGS, "evidence": self_evidence}})[0] == 200
    assert harness.json(user, "submit", {"text": "My explanation"})[0] == 200
    status, body = harness.json("staff", "review", {"learner_id": anon(user), "attempt": 1, "ratings": RATINGS,
                                                    "feedback": "Add a diagram", "decision": decision})
    assert status == 200, body
    assert body["item"]["calibration"]["pairs"] == 3


def test_log_queue_and_analytics_carry_calibration_to_the_right_people():
    harness = Harness("<plchoice/>")
    submit_and_review(harness, "alice", "exceeds", "revise")
    submit_and_review(harness, "bob", "not_yet", "mastered")

    status, alice = harness.json("alice", "log")
    assert status == 200
    assert alice["calibration"]["headline"] == {"kind": "higher", "criterion": "Uses evidence",
                                                "activity_title": "Show what you know: photosynthesis",
                                                "count": 1, "total": 1}
    assert alice["calibration"]["overall"]["pairs"] == 3  # Bob's pairs are not in Alice's log
    assert harness.json("bob", "log")[1]["calibration"]["headline"]["kind"] == "lower"
    assert harness.json("carol", "log")[1]["calibration"] == {
        "activities": [], "headline": {"kind": "none", "criterion": "", "activity_title": "", "count": 0, "total": 0},
        "overall": {"pairs": 0, "higher": 0, "same": 0, "lower": 0, "mean_gap": None, "mean_abs_gap": None}}

    for learner in ("alice", "carol"):
        for command in ("analytics", "queue"):
            status, body = harness.json(learner, command)
            assert status == 403 and body["error"] == "forbidden"
    status, view = harness.json("staff", "analytics")
    assert status == 200
    evidence = next(c for c in view["criteria"] if c["id"] == "evidence")
    assert (evidence["higher"], evidence["same"], evidence["lower"]) == (1, 0, 1)
    assert view["equity"]["options"][0] == {"id": "write", "title": "Write an explanation", "successes": 1, "n": 2,
                                            "rate": 0.5, "low": 0.0945, "high": 0.9055}
    assert view["equity"]["findings"] == []


def test_wrong_payload_types_for_the_read_commands_are_400_never_500():
    harness = Harness("<plchoice/>")
    for command, user in (("log", "alice"), ("analytics", "staff")):
        assert harness.json(user, command, {})[0] == 200
        for payload in ([], "x", 3):
            status, body = harness.json(user, command, payload)
            assert (status, body["error"]) == (400, "malformed"), (command, payload)
