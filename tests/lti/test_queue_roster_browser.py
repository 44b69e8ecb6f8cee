"""The staff queue in chromium lists who has not started (from the platform's roster, NRPS): a count
in the heading, one name per item, inserted as text (a name made of markup stays inert); axe passes.
The tool loads the roster in the background, so the page first says so and asks again until it is there."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from demo_platform.state import ROLE, Member
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect
from .test_ags_scores import submit_work

pytestmark = pytest.mark.browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
HOSTILE = '<img src=x onerror="window.pwned=1">Mallory'


def instructor_launch(platform, link_id: str) -> str:
    """The platform's launch start as a top-level page (its course page frames launches instead)."""
    return f"{platform.url}/launch?" + urlencode({"user": "instructor-1", "kind": "link", "link": link_id,
                                                 "client_id": "demo-client"})


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context()
        yield context.new_page()
        context.close()
        browser.close()


def test_instructor_sees_who_has_not_started(lms, tool, page):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    link = Browser(platform, server, "instructor-1").deep_link(default_choice_definition())
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    with platform.state.lock:
        platform.state.members["learner-9"] = Member("learner-9", HOSTILE, [ROLE + "Learner"])

    page.goto(instructor_launch(platform, link["id"]))
    roster = page.locator('[data-testid="not-started"]')
    roster.wait_for()  # first "being loaded", then the list once the tool's background refresh stored it
    expect(roster.get_by_role("heading")).to_have_text("Not started yet (3)", timeout=30_000)
    names = roster.locator("li").all_inner_texts()
    assert names == [HOSTILE, "Noor Newcomer", "Sam Student"]  # sorted by name, as text
    assert roster.locator("img").count() == 0 and page.evaluate("window.pwned") is None
    assert page.locator('[data-testid="queue"] [data-learner="learner-1"]').is_visible()  # the queue is still there
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_roster_notice_when_the_platform_cannot_give_it(lms, tool, page):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    link = Browser(platform, server, "instructor-1").deep_link(default_choice_definition())
    stopped: list[bool] = []

    def platform_goes_down_first(route) -> None:  # the launch worked; the roster's endpoints are gone
        if not stopped:
            platform.stop()
            stopped.append(True)
        route.continue_()

    page.route("**/api/queue", platform_goes_down_first)
    page.goto(instructor_launch(platform, link["id"]))
    roster = page.locator('[data-testid="not-started"]')
    roster.wait_for()
    assert stopped
    expect(roster.get_by_role("status")).to_contain_text("roster could not be loaded", timeout=30_000)
    assert roster.get_by_role("heading").inner_text() == "Not started yet (0)"
    assert roster.locator("li").count() == 0
    assert page.get_by_text("No learners match these filters.").is_visible()  # the queue itself answered
