"""Deep linking in chromium: the instructor clicks "add activity" in the LMS, saves the shared
editor's form, and lands back in the LMS with the new link; the page passes axe-core; then the
dynamic-registration driver receives the tool's close message."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from .platform_fixtures import connect, platform_state

pytestmark = pytest.mark.browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context()
        yield context.new_page()
        context.close()
        browser.close()


def test_instructor_adds_an_activity_with_the_shared_editor(lms, tool, page):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    page.goto(platform.url + "/")
    page.get_by_role("button", name="Instructor: add activity (deep link)").first.click()
    page.wait_for_selector(".plc-editor")
    assert page.get_by_role("heading", name="Add a PL Choice activity").is_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    # A new activity starts blank; the example fills on request, then the author changes it.
    assert page.locator('[data-field="objective"]').input_value() == ""
    page.get_by_role("button", name="Start from an example").click()
    assert page.locator('[data-field="options[0].title"]').input_value() == "Write an explanation"
    title = page.locator('[data-field="title"]')
    title.fill("Show what you know: the water cycle")
    page.locator(".plc-editor").get_by_role("button", name="Save").click()
    page.wait_for_url(platform.url + "/?created=*")
    links = platform_state(platform)["links"]
    assert [link["title"] for link in links] == ["Show what you know: the water cycle"]
    assert page.get_by_role("button", name="Learner launch: Lin Learner").is_visible()

    page.get_by_role("button", name="Learner launch: Lin Learner").click()  # opens in the LMS's course frame
    tool = page.frame_locator("#tool")
    tool.locator("#plchoice-root .plc h2").first.wait_for()
    assert "the water cycle" in tool.locator("#plchoice-root").inner_text()
    page.get_by_test_id("back-to-course").click()
    page.wait_for_url(platform.url + "/")


def test_dynamic_registration_ends_with_the_close_message(lms, tool, page):
    platform, server = lms("moodle"), tool()
    invite = server.cli("registration", "invite").strip().splitlines()[-1]
    page.goto(f"{platform.url}/dynreg/start?{urlencode({'tool_url': invite})}")
    frame = page.frame_locator("#dynreg-frame")
    frame.get_by_role("button", name="Register").click()
    page.wait_for_function("document.getElementById('dynreg-status').textContent.includes('finished')")
    assert page.locator("#dynreg-frame").count() == 0
    assert len(platform_state(platform)["clients"]) == 1
