"""The Studio editor on the workbench: rows reorder from the keyboard with focus kept on the
moved row, the preview follows, client checks and the server's `problems` show next to the
field they are about, and a save persists."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .pages import CHOICE_ONLY, focused_description

pytestmark = pytest.mark.browser


def test_author_edits_reorders_and_sees_problems_by_field(workbench, new_page):
    page = new_page()
    page.goto(workbench.scenario(CHOICE_ONLY, "staff", "studio_view"))
    editor = page.locator(".plc-editor")
    preview = page.locator(".plc-preview-pane")
    expect(editor).to_be_visible()
    page.get_by_role("button", name="Start from an example").click()  # a new block starts blank
    titles = editor.locator("input[data-field$='].title'][data-field^='options']")
    expect(titles).to_have_count(3)

    # Keyboard reorder: focus "Move down" on option 1 and press Enter; focus follows the row.
    editor.get_by_role("button", name="Move down: Option 1").focus()
    page.keyboard.press("Enter")
    expect(titles.nth(0)).to_have_value("Record a short talk")
    expect(titles.nth(1)).to_have_value("Write an explanation")
    assert "Move down: Option 2" in focused_description(page)
    expect(page.locator(".plc-status")).to_have_text("Moved to position 2 of 3.")
    expect(preview.locator(".plc-card-title").first).to_have_text("Record a short talk")

    # Add a fourth option; leave its title empty: the client check names the field.
    editor.get_by_role("button", name="Add an option").click()
    expect(titles).to_have_count(4)
    new_title = titles.nth(3)
    expect(new_title).to_be_focused()
    editor.get_by_role("button", name="Save").click()
    error = editor.locator("#" + new_title.get_attribute("aria-describedby").split()[-1])
    expect(error).to_have_text("Give this way of showing it a title.")
    expect(new_title).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".plc-alert")).to_be_focused()

    # A problem only the server knows (the title length limit) lands next to the title.
    new_title.fill("Make a comic strip")
    title = editor.locator("input[data-field='title']")
    title.evaluate("el => el.removeAttribute('maxlength')")
    title.fill("T" * 250)
    editor.get_by_role("button", name="Save").click()
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title.locator("xpath=..").locator(".plc-field-error")).to_contain_text("under 200 characters")
    expect(page.locator(".plc-alert")).to_contain_text("needs changes")
    expect(page.locator(".plc-alert .plc-problem-link")).to_have_text(["Title: Keep this under 200 characters."])

    title.fill("Photosynthesis, your way")
    editor.get_by_role("button", name="Save").click()
    expect(page.locator(".plc-status")).to_have_text("Saved.")
    expect(editor.locator(".plc-field-error")).to_have_count(0)

    page.reload()
    expect(page.locator(".plc-editor input[data-field='title']")).to_have_value("Photosynthesis, your way")
    expect(page.locator(".plc-editor input[data-field='options[3].title']")).to_have_value("Make a comic strip")
    expect(page.locator(".plc-editor input[data-field='options[0].title']")).to_have_value("Record a short talk")
    assert page.errors == []
