"""Staff of a reflection block read the reflections learners shared: learner, prompt and answer,
newest first, a page at a time; answers kept private never appear, and script in them stays text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .pages import REFLECTION_ONLY, block_handlers, call, open_block

pytestmark = pytest.mark.browser
SCRIPT = '<img src=x onerror="window.__pwned=1">'


def test_staff_page_through_shared_reflections_newest_first(workbench, new_page):
    page = new_page()
    open_block(page, workbench.scenario(REFLECTION_ONLY, "staff"), ".plchoice-plreflection")
    handlers = block_handlers(page, "plreflection")
    for index in range(12):
        call(page, handlers, "reflect", f"r{index:02d}", {
            "phase": "before", "share_with_staff": index != 5,
            "answers": {"strategy": f"Strategy {index}", "goal": f"Goal {index}" if index != 11 else SCRIPT}})

    page.reload()
    root = open_block(page, workbench.scenario(REFLECTION_ONLY, "staff"), ".plchoice-plreflection")
    listing = root.get_by_test_id("shared-reflections")
    expect(listing).to_contain_text("Shared reflections: 11, newest first. Page 1 of 2.")
    entries = listing.locator(".plc-shared-entry")
    expect(entries).to_have_count(10)
    first = entries.first
    expect(first.locator("dt")).to_have_text(["What do you want to get better at this week?",
                                              "Which strategy will you try?"])  # authored order
    expect(first.locator("dd").first).to_have_text(SCRIPT)  # the newest (r11), as text
    expect(first).to_contain_text("Before you start")
    expect(listing).not_to_contain_text("Goal 5")  # kept private
    listing.get_by_role("button", name="Older").click()
    expect(listing).to_contain_text("Page 2 of 2.")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Goal 0")
    expect(listing.get_by_role("button", name="Older")).to_be_disabled()
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


def test_a_learner_cannot_read_shared_reflections(workbench, new_page):
    page = new_page()
    open_block(page, workbench.scenario(REFLECTION_ONLY, "ivy"), ".plchoice-plreflection")
    handlers = block_handlers(page, "plreflection")
    call(page, handlers, "reflect", "ivy", {"phase": "before", "share_with_staff": True, "answers": {"goal": "x"}})
    expect(page.locator(".plc-sec-shared-reflections")).to_have_count(0)
    with pytest.raises(Exception, match="403"):
        call(page, handlers, "shared_reflections", "ivy", {})
    with pytest.raises(Exception, match='"field": "page"'):
        call(page, handlers, "shared_reflections", "staff", {"page": "first"})
