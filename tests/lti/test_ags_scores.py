"""AGS over HTTP: the platform's gradebook receives Submitted/PendingManual on submit, then the
score with FullyGraded and the feedback as comment on a mastery decision, with Canvas's
submission extension, using one access token; Moodle-style ``?type_id=`` line items work."""

from __future__ import annotations

from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, platform_state, wait_for

CANVAS_SUBMISSION = "https://canvas.instructure.com/lti/submission"


def scores_at_least(platform, count: int, timeout: float = 30.0) -> list[dict]:
    """Wait until the platform's gradebook holds ``count`` scores; return them all."""
    def ready():
        scores = platform_state(platform)["scores"]
        return scores if len(scores) >= count else None
    return wait_for(ready, timeout=timeout, message=f"{count} scores at the platform")


def submit_work(learner: Browser, link_id: str, text: str = "Light + water + CO2 -> sugar + O2.",
                page=None) -> str:
    """Choose, self-assess and submit (in a new launch, or in ``page`` when given)."""
    page = page or learner.launch("link", link=link_id)
    assert page.status_code == 200, learner.diagnose(page)
    for command, payload in (("choose", {"option_id": "write"}),
                             ("self_assess", {"ratings": {"accuracy": "meets", "clarity": "meets",
                                                         "evidence": "meets"}, "comment": "ok"}),
                             ("submit", {"text": text, "links": [], "file_ids": []})):
        response = learner.api(page.text, command, payload)
        assert response.status_code == 200, (command, response.text)
    return page.text


def review(teacher: Browser, link_id: str, learner_id: str, decision: str, feedback: str, attempt: int = 1):
    page = teacher.launch("link", link=link_id)
    assert page.status_code == 200, teacher.diagnose(page)
    response = teacher.api(page.text, "review", {
        "learner_id": learner_id, "attempt": attempt, "decision": decision, "feedback": feedback,
        "ratings": {"accuracy": "meets", "clarity": "exceeds", "evidence": "meets"}})
    assert response.status_code == 200, response.text
    return response.json()


def run_flow(shape: str, lms, tool) -> tuple[dict, list[dict]]:
    platform, server = lms(shape), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    learner = Browser(platform, server, "learner-1")
    submit_work(learner, link["id"])
    scores_at_least(platform, 1)
    review(teacher, link["id"], "learner-1", "mastered", "Clear and accurate: well done.")
    scores = scores_at_least(platform, 2)
    return platform_state(platform), scores


def test_submit_then_mastery_reach_the_gradebook_in_order(lms, tool):
    state, scores = run_flow("generic", lms, tool)
    assert len(scores) == 2
    lineitem = state["lineitems"][0]
    assert lineitem["scoreMaximum"] == 10 and lineitem["label"] == default_choice_definition()["title"]
    first, second = scores
    assert (first["activityProgress"], first["gradingProgress"]) == ("Submitted", "PendingManual")
    assert first["userId"] == "learner-1" and "scoreGiven" not in first
    assert first[CANVAS_SUBMISSION]["submission_type"] == "basic_lti_launch"
    assert first[CANVAS_SUBMISSION]["new_submission"] is True
    assert (second["activityProgress"], second["gradingProgress"]) == ("Completed", "FullyGraded")
    assert second["scoreGiven"] == 10 and second["scoreMaximum"] == 10
    assert second["comment"] == "Clear and accurate: well done."
    assert second[CANVAS_SUBMISSION]["new_submission"] is False
    assert first["timestamp"] < second["timestamp"]
    assert all(s["idempotency_key"] for s in scores)
    assert len({s["idempotency_key"] for s in scores}) == 2
    assert state["token_fetches"] == 1  # the second message reused the cached token


def test_moodle_type_id_line_items_keep_their_query(lms, tool):
    state, scores = run_flow("moodle", lms, tool)
    assert [s["gradingProgress"] for s in scores] == ["PendingManual", "FullyGraded"]
    # the platform only accepts the scores URL as <lineitem path>/scores?type_id=..., so arriving proves the form
    assert all(s["query"] == "type_id=7" for s in scores)
    assert state["rejected_scores"] == []


def test_revise_sends_feedback_without_a_failing_grade(lms, tool):
    platform, server = lms("canvas"), tool()
    connect(platform, server)
    teacher, learner = Browser(platform, server, "instructor-1"), Browser(platform, server, "learner-2")
    link = teacher.deep_link(default_choice_definition())
    submit_work(learner, link["id"], "A first try.")
    review(teacher, link["id"], "learner-2", "revise", "Add a labelled diagram.")
    scores = scores_at_least(platform, 2)
    revise = scores[1]
    assert revise["comment"] == "Add a labelled diagram."
    assert (revise["activityProgress"], revise["gradingProgress"]) == ("InProgress", "NotReady")
    assert "scoreGiven" not in revise
