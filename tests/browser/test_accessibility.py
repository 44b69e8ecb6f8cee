"""axe-core finds no WCAG 2.1 A/AA violations in the learner, staff and Studio views, in
English and in Arabic (right to left); screenshots of the learner view are kept for a look."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .pages import CHOICE_ONLY, UNIT, open_block, section

pytestmark = pytest.mark.browser

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
# The workbench's own page (its header, debug panel) is not ours; we check our blocks.
CONTEXT = {"include": [[".plchoice-xblock"]]}

def check(page: Page, what: str) -> None:
    results = Axe().run(page, context=CONTEXT, options=AXE_OPTIONS)
    violations = results.response["violations"]
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert results.violations_count == 0, f"{what}: {summary}"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_axe_violations(workbench, new_page, screenshot_dir, lang):
    page = new_page(locale=lang)
    root = open_block(page, workbench.scenario(UNIT, "amal"))
    direction = "rtl" if lang == "ar" else "ltr"
    expect(root).to_have_attribute("dir", direction)
    expect(root).to_have_attribute("lang", lang)
    check(page, f"{lang} learner, not started")

    sec = section(root, "choose")
    sec.get_by_role("radio").first.check()
    sec.locator("form button[type=submit]").first.click()
    expect(section(root, "evidence")).to_be_visible()
    links_before = root.locator(".plc-links input").count()
    assert links_before == 0
    root.screenshot(path=str(screenshot_dir / f"learner-{lang}.png"))
    check(page, f"{lang} learner, evidence form")

    section(root, "evidence").locator("textarea").first.fill("Chlorophyll captures light.")
    for fieldset in root.locator(".plc-self-assess fieldset[data-criterion]").all():
        fieldset.get_by_role("radio").nth(1).check()
    section(root, "evidence").locator("button[type=submit]").click()
    expect(section(root, "attempts")).to_be_visible()
    tools = page.locator(".plchoice-plreflection .plc")  # the first block on the page owns log, profile, my data
    section(tools, "log").get_by_role("button").click()
    expect(tools.get_by_test_id("log")).to_be_visible()
    section(tools, "profile").get_by_role("button").click()
    expect(section(tools, "profile").locator("form")).to_be_visible()
    section(tools, "my-data").locator(".plc-danger").first.click()
    expect(section(tools, "my-data").locator(".plc-confirm")).to_be_visible()
    root.screenshot(path=str(screenshot_dir / f"learner-submitted-{lang}.png"))
    check(page, f"{lang} learner, submitted, log, profile and confirmation open")

    staff = new_page(locale=lang)
    root = open_block(staff, workbench.scenario(UNIT, "staff"))
    section(root, "queue").locator("[data-testid=queue] tbody button").first.click()
    expect(root.get_by_test_id("review-panel")).to_be_visible()
    root.locator(".plc-sec-analytics button").first.click()
    expect(root.get_by_test_id("chart-options")).to_be_visible()
    root.get_by_test_id("table-switch-options").click()  # the table is the chart's text equivalent
    expect(root.get_by_test_id("analytics-options")).to_be_visible()
    root.screenshot(path=str(screenshot_dir / f"staff-{lang}.png"))
    check(staff, f"{lang} staff, review panel and analytics")

    studio = new_page(locale=lang)
    studio.goto(workbench.scenario(CHOICE_ONLY, "staff", "studio_view"))
    expect(studio.locator(".plc-editor")).to_be_visible()
    studio.locator(".plc-editor input[data-field='title']").fill("")
    studio.locator(".plc-editor button[type=submit]").click()
    expect(studio.locator(".plc-field-error").first).to_be_visible()
    studio.screenshot(path=str(screenshot_dir / f"studio-{lang}.png"))
    check(studio, f"{lang} studio editor with field errors")
    assert page.errors == [] and staff.errors == [] and studio.errors == []
