"""A learner proposes their own way; staff must give a reason to redirect, then approve; the
learner sees the decision and can start. The learner downloads their data as JSON and
deletes their reflections after an inline confirmation."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .pages import CHOICE_ONLY, focused_description, open_block, save_reflection, section

pytestmark = pytest.mark.browser


def test_proposal_decision_and_my_data(workbench, new_page):
    learner = new_page()
    url = workbench.scenario(CHOICE_ONLY, "pat")
    root = open_block(learner, url)
    save_reflection(root, "before", ["Teach it to learn it"])
    form = root.locator(".plc-propose")
    form.get_by_label("Title of your idea").fill("Teach my little brother")
    form.get_by_label("Your plan").fill("Film a 3 minute lesson with a drawing.")
    form.get_by_role("button", name="Send my proposal").click()
    # One chip says it is waiting; the proposal box says what happens next instead of repeating it.
    expect(root.locator(".plc-badge")).to_have_text("Status: Proposal waiting for approval")
    expect(root.get_by_test_id("proposal")).to_contain_text("Staff will read it and approve it")
    expect(root.get_by_test_id("proposal")).not_to_contain_text("Waiting")

    staff = new_page()
    staff_root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    card = section(staff_root, "proposals").locator("article")
    expect(card).to_contain_text("proposes: Teach my little brother")
    card.get_by_role("button", name="Redirect to an offered way").click()
    note = card.get_by_label("Note to the learner")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(card.get_by_test_id("inline-error")).to_be_visible()  # by the buttons, not at the top
    expect(staff.locator(".plc-alert")).to_be_empty()
    note.fill("Lovely idea: go ahead.")
    card.get_by_role("button", name="Approve").click()
    expect(section(staff_root, "proposals")).to_contain_text("No proposals are waiting.")

    learner.reload()
    root = open_block(learner, url)
    expect(root.get_by_test_id("proposal")).to_contain_text("Approved")
    expect(root.get_by_test_id("proposal")).to_contain_text("Lovely idea: go ahead.")
    expect(section(root, "evidence")).to_be_visible()
    expect(root.locator(".plc-propose")).to_have_count(0)  # approved: no second "propose your own way"

    data_section = section(root, "my-data")
    with learner.expect_download() as download:
        data_section.get_by_role("button", name="Download my data (JSON)").click()
    exported = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert "Teach my little brother" in json.dumps(exported)
    assert "Teach it to learn it" in json.dumps(exported)

    data_section.get_by_role("button", name="Delete my reflections, profile and drafts").click()
    assert "This deletes your reflections" in focused_description(learner)
    data_section.get_by_role("button", name="Yes, delete").click()
    expect(root.locator(".plc-status")).to_have_text("Your reflections, profile and drafts were deleted.")
    expect(section(root, "my-data").get_by_test_id("inline-ok")).to_have_text(
        "Your reflections, profile and drafts were deleted.")
    learner.reload()
    root = open_block(learner, url)
    expect(section(root, "reflect-before").locator("textarea").first).to_have_value("")
    assert learner.errors == [] and staff.errors == []
