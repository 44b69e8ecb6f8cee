"""axe-core finds no WCAG 2.1 A/AA (or best-practice) violations on the tool's LTI pages, learner
and staff, in English and in Arabic. The language comes from the launch itself (the id_token's
``launch_presentation.locale``), not from the browser, and Arabic pages must be right to left.
The whole page is checked: in the LTI home every element on it is ours."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.lti.platform_fixtures import Browser
from xblock_plchoice.core.activity import default_choice_definition

from .lti_fixtures import launch_url
from .pages import section
from .test_lti_learning_loop import open_launch

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.browser.lti_fixtures",)  # servers, blocked_cookies_context

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def check(page: Page, what: str) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert results.violations_count == 0, f"{what}: {summary}"
    assert results.response["passes"], f"{what}: axe checked nothing"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_lti_learner_and_staff_views_have_no_axe_violations(servers, new_page, screenshot_dir, lang):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    direction = "rtl" if lang == "ar" else "ltr"

    # The browser says English; the launch says which language to use.
    learner = new_page(locale="en")
    root = open_launch(learner, launch_url(platform, "learner-2", link["id"], locale=lang))
    expect(learner.locator("html")).to_have_attribute("lang", lang)
    expect(learner.locator("html")).to_have_attribute("dir", direction)
    expect(root).to_have_attribute("dir", direction)
    if lang == "ar":
        assert learner.locator("h2").first.inner_text() == "Show what you know: photosynthesis"  # author's text
        assert learner.evaluate("document.body.innerText").count("Submit") == 0, "English UI text in Arabic"
    check(learner, f"{lang} LTI learner, not started")

    sec = section(root, "choose")
    sec.get_by_role("radio").first.check()
    sec.locator("form button[type=submit]").first.click()
    expect(section(root, "evidence")).to_be_visible()
    check(learner, f"{lang} LTI learner, evidence form")

    section(root, "evidence").locator("textarea").first.fill("Chlorophyll captures light.")
    for fieldset in root.locator(".plc-self-assess fieldset[data-criterion]").all():
        fieldset.get_by_role("radio").nth(1).check()
    section(root, "evidence").locator("button[type=submit]").click()
    expect(section(root, "attempts")).to_be_visible()
    learner.screenshot(path=str(screenshot_dir / f"lti-learner-submitted-{lang}.png"), full_page=True)
    check(learner, f"{lang} LTI learner, submitted")

    staff = new_page(locale="en")
    root = open_launch(staff, launch_url(platform, "instructor-1", link["id"], locale=lang))
    expect(staff.locator("html")).to_have_attribute("dir", direction)
    expect(root).to_have_class("plc plc-view-staff")
    check(staff, f"{lang} LTI staff, queue")
    section(root, "queue").locator("[data-testid=queue] tbody button").first.click()
    expect(root.get_by_test_id("review-panel")).to_be_visible()
    staff.screenshot(path=str(screenshot_dir / f"lti-staff-review-{lang}.png"), full_page=True)
    check(staff, f"{lang} LTI staff, review panel open")
    assert learner.errors == [] and staff.errors == []
