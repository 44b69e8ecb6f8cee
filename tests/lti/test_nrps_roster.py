"""NRPS over HTTP: the staff queue's "not started" list comes from the platform's roster
(Moodle, Canvas and spec-shaped membership URLs), with one access token for repeated calls; the queue
never waits for the platform: it says the roster is being loaded and lists it once the background
refresh stored it."""

from __future__ import annotations

import dataclasses

import pytest

from lti_tool.db.store import SqlStore
from lti_tool.lti import nrps
from lti_tool.lti.keys import current_private_key
from lti_tool.lti.launch_context import LaunchContext
from lti_tool.lti.launch_storage import DbLaunchStore
from lti_tool.lti.registrations import find_registration
from lti_tool.lti.service_tokens import TokenCache, TokenTarget
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, launch_config, platform_state, wait_for
from .test_ags_scores import submit_work


def staff_context(server, page_html: str) -> LaunchContext:
    """The launch context the tool stored for this staff launch (what /api/queue sees)."""
    launch_id = launch_config(page_html)["transport"]["launchId"]
    data = DbLaunchStore(server.sessions()).get("launch:" + launch_id)
    assert data is not None
    return LaunchContext.from_dict(data)


def fetch_for(server, context: LaunchContext, tokens: TokenCache) -> list[dict]:
    with server.sessions()() as session:
        registration = find_registration(session, context.issuer, context.client_id)
        target, key = TokenTarget.for_registration(registration), current_private_key(session)
    return nrps.fetch_members(target, lambda: key, context.nrps["context_memberships_url"], tokens=tokens)


@pytest.mark.parametrize("shape", ["generic", "moodle", "canvas"])
def test_not_started_lists_enrolled_learners_without_work(shape, lms, tool):
    platform, server = lms(shape), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    Browser(platform, server, "learner-2").launch("link", link=link["id"])  # opened it, did nothing yet

    context = staff_context(server, teacher.launch("link", link=link["id"]).text)
    assert context.nrps and context.nrps["context_memberships_url"].startswith(platform.url)
    fetches_before = platform_state(platform)["token_fetches"]
    tokens = TokenCache()
    with server.sessions()() as session:
        started = {r.learner_id for r in SqlStore(session).iter_records(context.activity_key)
                   if r.status != "not_started"}
    missing = nrps.not_started(fetch_for(server, context, tokens), started)
    again = nrps.not_started(fetch_for(server, context, tokens), started)
    assert [m["learner_id"] for m in missing] == ["learner-3", "learner-2"]  # Noor, then Sam: by name
    assert missing[0] == {"learner_id": "learner-3", "display_name": "Noor Newcomer",
                          "email": "noor@example.edu", "status": "not_started"}
    assert again == missing
    assert platform_state(platform)["token_fetches"] - fetches_before <= 1  # the NRPS token was reused


def test_no_roster_claim_is_a_clear_error(lms, tool, make_app):
    from lti_tool.lti import roster

    platform, server = lms("generic"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    context = dataclasses.replace(staff_context(server, teacher.launch("link", link=link["id"]).text), nrps=None)
    members, problem = roster.cached_members(make_app().extensions["plchoice"], context)
    assert members is None and isinstance(problem, nrps.NrpsUnavailable)
    assert problem.status == 502 and "roster" in problem.render()


def queue_until(teacher, staff_page: str, done) -> dict:
    """Ask ``/api/queue`` until ``done(body)``: each answer comes at once, the roster arrives in the background."""
    bodies: list[dict] = []

    def ask() -> bool:
        queue = teacher.api(staff_page, "queue", {})
        assert queue.status_code == 200, queue.text
        bodies.append(queue.json())
        return done(bodies[-1])

    wait_for(ask, timeout=30, message="the roster in /api/queue")
    return bodies[-1]


def test_staff_queue_over_http_lists_who_has_not_started(lms, tool):
    """``POST /api/queue`` as the instructor: the queue, plus the roster's learners with no work yet."""
    platform, server = lms("canvas"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    learner_page = submit_work(Browser(platform, server, "learner-1"), link["id"])
    staff_page = teacher.launch("link", link=link["id"]).text
    body = queue_until(teacher, staff_page, lambda b: b["not_started"])
    assert [item["learner_id"] for item in body["items"]] == ["learner-1"]
    assert body["not_started"] == [
        {"learner_id": "learner-3", "display_name": "Noor Newcomer", "email": "noor@example.edu",
         "status": "not_started"},
        {"learner_id": "learner-2", "display_name": "Sam Student", "email": "sam@example.edu",
         "status": "not_started"}]
    assert "roster_notice" not in body
    assert Browser(platform, server, "learner-1").api(learner_page, "queue", {}).status_code == 403


def test_staff_queue_says_why_the_roster_is_missing_when_the_platform_is_down(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    staff_page = teacher.launch("link", link=link["id"]).text
    platform.stop()  # the token and membership endpoints are gone; the launch stays valid in the tool
    body = queue_until(teacher, staff_page, lambda b: not b.get("roster_loading"))  # the queue itself works
    assert body["items"] == [] and body["not_started"] == []
    assert "roster could not be loaded" in body["roster_notice"]


def test_no_roster_claim_means_no_not_started_list(app, platform):
    """A launch without the NRPS claim (the in-process test platform sends none) gets the plain queue."""
    from .conftest import api_headers, launch_config

    client = app.test_client()
    response, _, _ = platform.launch(client, roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    queue = client.post("/api/queue", json={}, headers=api_headers(launch_config(response)))
    assert queue.status_code == 200, queue.json
    assert "items" in queue.json and "not_started" not in queue.json and "roster_notice" not in queue.json
