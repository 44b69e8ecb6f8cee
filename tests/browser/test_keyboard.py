"""The learner flow with the keyboard alone: Tab, Space, arrow keys, Enter and typing.
Every step finds its control by Tab order and accessible name; no clicks.

File chooser, deterministically: Playwright turns on file-chooser interception with a
fire-and-forget message when the first "filechooser" listener is added. ``expect_file_chooser``
adds it right before the key press, so on a loaded machine the press could reach chromium
first, open no interceptable chooser, and time out. The test subscribes at the start instead
(interception is on long before the press), and presses Space only once the focused input is
enabled.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .pages import CHOICE_ONLY, focused_description, open_block, section, tab_to

pytestmark = pytest.mark.browser


def test_learner_flow_by_keyboard_only(workbench, new_page):
    page = new_page()
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))  # interception on from the start (docstring)
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "kim"))
    page.locator("body").focus()
    keys = page.keyboard

    tab_to(page, "What is your goal for this task?")
    keys.type("Learn the light reactions")
    tab_to(page, "button||Save reflection")
    keys.press("Enter")
    expect(root.locator(".plc-status")).to_have_text("Reflection saved.")
    assert "h3" in focused_description(page)  # focus went to the section heading

    here = tab_to(page, "radio|Write an explanation")
    keys.press("ArrowDown")  # moves to and selects the next option: Record a short talk
    assert "Record a short talk" in focused_description(page)
    keys.press("ArrowUp")
    keys.press("Space")
    assert root.get_by_role("radio", name="Write an explanation").is_checked(), here
    tab_to(page, "button||Choose this way")
    keys.press("Enter")
    expect(section(root, "evidence")).to_be_visible()
    expect(root.locator(".plc-status")).to_have_text("Choice saved.")
    assert "Your evidence" in focused_description(page)

    # One evidence kind at a time: "Write" is open; the radio group switches to "Upload a file".
    tab_to(page, "radio|Write")
    tab_to(page, "textarea||Your written evidence")
    keys.type("Light is captured by chlorophyll.")
    keys.press("Shift+Tab")
    assert focused_description(page) == "input|radio|Write"
    keys.press("ArrowRight")
    assert focused_description(page) == "input|radio|Upload a file"
    tab_to(page, "input|file|Upload a file")
    focused = page.locator(":focus")
    expect(focused).to_be_enabled()
    expect(focused).to_be_visible()
    with page.expect_file_chooser() as chooser:
        keys.press("Space")
    chooser.value.set_files(files=[{"name": "diagram.txt", "mimeType": "text/plain", "buffer": b"leaf -> glucose\n"}])
    assert choosers  # the early listener saw the same chooser
    expect(section(root, "evidence").locator(".plc-files a", has_text="diagram.txt")).to_be_visible()

    for _ in range(3):
        tab_to(page, "radio|Not yet")
        keys.press("ArrowRight")  # "Meets"
    assert all(fs.get_by_role("radio", name="Meets").is_checked()
               for fs in root.locator(".plc-self-assess fieldset[data-criterion]").all())
    tab_to(page, "button||Submit for review")
    keys.press("Enter")
    expect(section(root, "attempts")).to_be_visible()
    expect(root.locator(".plc-status")).to_have_text("Submitted. Staff will review your work.")
    assert "Your attempts and feedback" in focused_description(page)
    expect(section(root, "attempts")).to_contain_text("Light is captured by chlorophyll.")
    expect(section(root, "attempts")).to_contain_text("diagram.txt")
    assert page.errors == []
