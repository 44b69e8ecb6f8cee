"""Script in option titles, evidence, reflections, profiles and feedback is shown as text in
learner and staff views: no dialog opens, no element is injected, no global is set."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .pages import CHOICE_ONLY, choose, open_block, rate_all, section, submit

pytestmark = pytest.mark.browser

PAYLOAD = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2;alert(2)</script>'


def assert_inert(page: Page) -> None:
    blocks = page.locator(".plchoice-xblock")
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert blocks.locator("img").count() == 0
    assert blocks.locator("script").count() == 0


def test_script_everywhere_stays_text(workbench, new_page):
    staff = new_page()
    staff.goto(workbench.scenario(CHOICE_ONLY, "staff", "studio_view"))
    editor = staff.locator(".plc-editor")
    expect(editor).to_be_visible()
    staff.get_by_role("button", name="Start from an example").click()  # a new block starts blank
    editor.get_by_label("Option title").first.fill(PAYLOAD + " Write")
    editor.get_by_role("button", name="Save").click()
    expect(staff.locator(".plc-status")).to_have_text("Saved.")
    expect(staff.locator(".plc-preview-pane")).to_contain_text(PAYLOAD)
    assert_inert(staff)

    learner = new_page()
    root = open_block(learner, workbench.scenario(CHOICE_ONLY, "mallory"))
    expect(root.locator(".plc-card-title").first).to_have_text(PAYLOAD + " Write")
    before = section(root, "reflect-before")
    before.locator("textarea").first.fill(PAYLOAD)
    before.get_by_role("checkbox").check()
    before.get_by_role("button", name="Save reflection").click()
    expect(root.locator(".plc-status")).to_have_text("Reflection saved.")
    section(root, "profile").get_by_role("button").click()
    profile = section(root, "profile")
    profile.get_by_label("My strengths").fill(PAYLOAD)
    profile.get_by_role("checkbox").check()
    profile.get_by_role("button", name="Save profile").click()
    expect(root.locator(".plc-status")).to_have_text("Profile saved.")
    choose(root, PAYLOAD + " Write")
    section(root, "evidence").get_by_label("Your written evidence").fill(PAYLOAD)
    rate_all(root, "Meets")
    root.get_by_label("Comment on your work (optional)").fill(PAYLOAD)
    submit(root)
    expect(section(root, "attempts").locator(".plc-evidence-text")).to_have_text(PAYLOAD)
    assert_inert(learner)

    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    queue = section(root, "queue")
    expect(queue.locator("tbody td").nth(1)).to_have_text(PAYLOAD + " Write")
    queue.locator("tbody button").first.click()
    panel = root.get_by_test_id("review-panel")
    expect(panel.locator(".plc-evidence-text")).to_have_text(PAYLOAD)
    expect(panel.locator(".plc-shared")).to_contain_text(PAYLOAD)
    assert panel.locator(".plc-shared dd").filter(has_text=PAYLOAD).count() >= 2  # reflection + profile
    for fieldset in panel.locator("fieldset[data-criterion]").all():
        fieldset.get_by_role("radio", name="Meets").check()
    panel.get_by_label("Feedback for the learner").fill(PAYLOAD)
    panel.get_by_role("radio", name="Revise and resubmit").check()
    panel.get_by_role("button", name="Save review").click()
    expect(root.get_by_test_id("review-panel")).to_have_count(0)
    root.locator(".plc-sec-analytics button").first.click()
    expect(root.get_by_test_id("chart-options")).to_contain_text(PAYLOAD[:20])
    expect(root.get_by_test_id("analytics-options")).to_contain_text(PAYLOAD)
    assert_inert(staff)

    learner.reload()
    root = open_block(learner, workbench.scenario(CHOICE_ONLY, "mallory"))
    expect(root.get_by_test_id("latest-feedback")).to_contain_text(PAYLOAD)  # shown above the revise form
    section(root, "log").get_by_role("button").click()
    expect(root.get_by_test_id("log")).to_contain_text(PAYLOAD)
    assert_inert(learner)
    assert learner.errors == [] and staff.errors == []
