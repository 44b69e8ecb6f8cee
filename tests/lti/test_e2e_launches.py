"""End to end over HTTP: a real LTI 1.3 platform (lti1p3platform, RS256) and the tool in its own process.

An instructor adds an activity by deep linking; a learner's launch of the new
link opens the learner view; an instructor's opens the staff view.
"""

from __future__ import annotations

from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, launch_config, platform_state


def test_learner_and_instructor_launch_of_a_deep_linked_activity(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    assert link["custom"] == {"activity_id": link["activity_id"]}

    learner = Browser(platform, server, "learner-1")
    page = learner.launch("link", link=link["id"])
    assert page.status_code == 200, page.text[:500]
    config = launch_config(page.text)
    assert config["view"] == "learner"
    state = learner.api(page.text, "state")
    assert state.status_code == 200, state.text
    body = state.json()
    assert body["role"] == "learner"
    assert body["activity"]["title"] == default_choice_definition()["title"]
    assert body["me"]["status"] == "not_started"

    staff_page = teacher.launch("link", link=link["id"])
    assert staff_page.status_code == 200
    assert launch_config(staff_page.text)["view"] == "staff"
    queue = teacher.api(staff_page.text, "queue", {})
    assert queue.status_code == 200, queue.text
    assert "items" in queue.json()
    # the learner cannot use staff commands with their own launch
    assert learner.api(page.text, "queue", {}).status_code == 403
    assert platform_state(platform)["scores"] == []
