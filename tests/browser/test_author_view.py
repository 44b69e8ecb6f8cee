"""Studio's unit page in chromium: both blocks' ``author_view`` under a subsection with a due date.

A summary (objective, criteria, options; prompts), which due date applies, and the learner
preview; no staff queue; nothing an author clicks in the preview is saved. axe-clean in
English and Arabic, with screenshots kept for a look.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .pages import section
from .test_accessibility import check

pytestmark = pytest.mark.browser

DATED = "sequential.0"  # the workbench's dated subsection: a reflection block, then a choice block
BAD_TEXT = ("null", "undefined", "NaN", "[object Object]")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_author_view_summary_and_preview(workbench, new_page, screenshot_dir, lang):
    page = new_page(locale=lang)
    page.goto(workbench.scenario(DATED, "staff", "author_view"))
    choice = page.locator(".plchoice-plchoice .plc-view-author").first
    reflection = page.locator(".plchoice-plreflection .plc-view-author").first
    expect(choice.get_by_test_id("author-summary")).to_be_visible()
    expect(reflection.get_by_test_id("author-summary")).to_be_visible()
    # The preview is the learner view, mounted inside the author view.
    preview = choice.get_by_test_id("author-preview").locator(".plc-view-learner")
    expect(preview.locator(".plc-sec-choose")).to_be_visible()
    expect(reflection.get_by_test_id("author-preview").locator(".plc-sec-reflect-before, .plc-section").first)\
        .to_be_visible()
    assert page.locator(".plc-sec-queue").count() == 0
    assert page.locator(".plc-view-staff").count() == 0

    summary = choice.get_by_test_id("author-summary")
    if lang == "en":
        expect(summary).to_contain_text("Explain how plants turn light into chemical energy.")
        expect(summary).to_contain_text("Accurate science")
        expect(summary).to_contain_text("Record a short talk")
        expect(choice.get_by_test_id("author-due")).to_contain_text("the subsection's due date")
        expect(reflection.get_by_test_id("author-summary")).to_contain_text("Which strategy will you try?")
    for root in (choice, reflection):
        text = root.inner_text()
        for bad in BAD_TEXT:
            assert bad not in text, (bad, text[:400])

    page.screenshot(path=str(screenshot_dir / f"author-view-{lang}.png"), full_page=True)
    summary.screenshot(path=str(screenshot_dir / f"author-summary-{lang}.png"))
    check(page, f"{lang} author view")

    # Trying the preview saves nothing: choosing answers with the preview note.
    sec = section(preview, "choose")
    sec.get_by_role("radio").first.check()
    sec.locator("form button[type=submit]").first.click()
    expect(choice.locator(".plc-author-preview [data-testid=inline-error]")).not_to_be_empty()  # beside the button
    assert page.errors == []

    staff = new_page(locale=lang)
    staff.goto(workbench.scenario(DATED, "staff"))
    expect(staff.locator(".plchoice-plchoice .plc-view-staff").first).to_be_visible()
    expect(staff.locator(".plchoice-plchoice .plc-sec-queue").first).to_be_visible()
    expect(staff.locator(".plc-sec-queue tbody tr")).to_have_count(0)


def test_studio_editor_names_the_subsections_due_date(workbench, new_page):
    page = new_page()
    page.goto(workbench.scenario(DATED, "staff", "studio_view"))
    editor = page.locator(".plchoice-plchoice .plc-editor").first
    expect(editor).to_be_visible()
    due = editor.locator("input[data-field='policies.due']")
    hint = page.locator(f"#{due.get_attribute('aria-describedby')}")
    expect(hint).to_contain_text("The subsection is due")
    expect(hint).to_contain_text("the earlier of the two applies")
    assert page.errors == []
