"""Launches shaped as Moodle and Canvas send them: their role URIs (Moodle's administrator-instructors,
Canvas's system roles), custom parameters, Canvas's ``<id>:<hash>`` deployment ids and Moodle's
``?type_id=`` service URLs, all the way from deep linking to a grade."""

from __future__ import annotations

import jwt
import pytest

from lti_tool.lti.launch_context import LaunchContext
from lti_tool.lti.launch_storage import DbLaunchStore
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, launch_config, parse_form, platform_state
from .test_ags_scores import review, scores_at_least, submit_work


def stored_context(server, page_html: str) -> LaunchContext:
    launch_id = launch_config(page_html)["transport"]["launchId"]
    return LaunchContext.from_dict(DbLaunchStore(server.sessions()).get("launch:" + launch_id))


def signed_claims(platform, server, link_id: str) -> dict:
    """The claims the platform signs for learner-1's launch of ``link_id`` (read at the platform's form)."""
    browser = Browser(platform, server, "learner-1")
    at_platform = browser.http.post(platform.url + "/launch", timeout=30,
                                    data={"user": "learner-1", "kind": "link", "client_id": "demo-client",
                                          "link": link_id})
    _action, fields = parse_form(at_platform.text, "lti")
    return jwt.decode(fields["id_token"], options={"verify_signature": False})


@pytest.mark.parametrize("shape", ["moodle", "canvas"])
def test_lms_shaped_launches_from_deep_link_to_grade(shape, lms, tool):
    platform, server = lms(shape), tool()
    ids = connect(platform, server)
    if shape == "canvas":
        prefix, _, digest = ids["deployment_id"].partition(":")
        assert prefix.isdigit() and len(digest) == 40
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())

    learner_page = Browser(platform, server, "learner-1").launch("link", link=link["id"])
    assert launch_config(learner_page.text)["view"] == "learner"
    context = stored_context(server, learner_page.text)
    assert context.role == "learner" and context.deployment_id == ids["deployment_id"]
    assert context.display_name == "Lin Learner"
    assert context.custom["activity_id"] == link["activity_id"]
    if shape == "canvas":
        assert context.custom["canvas_course_id"] == "4242"
        assert signed_claims(platform, server, link["id"])[
            "https://purl.imsglobal.org/spec/lti/claim/tool_platform"]["product_family_code"] == "canvas"
    else:
        assert context.ags["lineitem"].endswith("/lineitem?type_id=7")
        assert signed_claims(platform, server, link["id"])["https://purl.imsglobal.org/spec/lti/claim/ext"]["lms"] \
            == "moodle-2"
    assert context.claims == {}  # a resource link's context keeps no raw claims: what the tool uses is in its fields

    staff_page = teacher.launch("link", link=link["id"])
    assert launch_config(staff_page.text)["view"] == "staff"
    assert stored_context(server, staff_page.text).role == "staff"

    submit_work(Browser(platform, server, "learner-1"), link["id"])
    review(teacher, link["id"], "learner-1", "mastered", "Great model.")
    scores = scores_at_least(platform, 2)
    assert [s["gradingProgress"] for s in scores] == ["PendingManual", "FullyGraded"]
    assert platform_state(platform)["rejected_scores"] == []
