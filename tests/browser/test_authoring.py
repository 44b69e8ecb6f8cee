"""Authoring in the workbench's Studio view, and staff's "View as a learner".

* A block never saved opens blank (no sample criteria to publish by mistake), with "Start from an
  example" that fills the photosynthesis sample on request; ids are never shown.
* Saving a blank form lists every problem in the summary, each as a link that focuses its field,
  and each message says what to fill; once filled, it saves.
* Ids are generated from titles (unique, with a suffix) and kept for rows that had one.
* Removing an option offers "Undo", which puts it back where it was.
* "View as a learner" walks the whole learner flow and leaves no row and no file behind.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .pages import CHOICE_ONLY, UNIT, open_block, rate_all, section

pytestmark = pytest.mark.browser


def test_blank_new_block_summary_links_and_example_on_request(workbench, new_page):
    page = new_page()
    page.goto(workbench.scenario(CHOICE_ONLY, "staff", "studio_view"))
    editor = page.locator(".plc-editor")
    expect(editor).to_be_visible()
    # Blank: the display name is the one title; two empty options and one empty criterion; no ids asked.
    expect(editor.locator("[data-field='title']")).to_have_value("Choose how to show it")
    expect(editor.locator("[data-field='objective']")).to_have_value("")
    expect(editor.locator("[data-field$='].title'][data-field^='options']")).to_have_count(2)
    for index in range(2):
        expect(editor.locator(f"[data-field='options[{index}].title']")).to_have_value("")
    expect(editor.get_by_label("Id", exact=True)).to_have_count(0)
    expect(editor.get_by_label("Display name")).to_have_count(0)

    editor.get_by_role("button", name="Save").click()
    alert = page.locator(".plc-alert")
    expect(alert).to_be_focused()
    expect(alert.locator(".plc-alert-title")).to_have_text("4 fields need attention before you can save:")
    links = alert.locator("a.plc-problem-link")
    expect(links).to_have_text([
        "Learning goal (objective): Write the learning goal: what learners should be able to show.",
        "Criterion 1 › Criterion title: Name this success criterion.",
        "Option 1 › Option title: Give this way of showing it a title.",
        "Option 2 › Option title: Give this way of showing it a title.",
    ])
    # The form is thousands of pixels tall: each link takes the author to its field.
    links.nth(3).click()
    expect(editor.locator("[data-field='options[1].title']")).to_be_focused()
    links.nth(1).click()
    expect(editor.locator("[data-field='criteria[0].title']")).to_be_focused()

    # The example fills only on request.
    page.get_by_role("button", name="Start from an example").click()
    expect(editor.locator("[data-field='options[0].title']")).to_have_value("Write an explanation")
    expect(page.get_by_role("button", name="Start from an example")).to_have_count(0)
    assert page.errors == []


def test_blank_form_saves_once_filled_with_generated_ids(workbench, new_page):
    page = new_page()
    page.goto(workbench.scenario(CHOICE_ONLY, "staff", "studio_view"))
    editor = page.locator(".plc-editor")
    editor.locator("[data-field='title']").fill("Forces in motion")
    editor.locator("[data-field='objective']").fill("Explain Newton's second law with an example.")
    editor.locator("[data-field='criteria[0].title']").fill("Accurate physics")
    editor.locator("[data-field='options[0].title']").fill("Write it up!")
    editor.locator("[data-field='options[1].title']").fill("Write it up")  # same slug: gets a suffix
    with page.expect_response(lambda r: "studio_submit" in r.url) as answer:
        editor.get_by_role("button", name="Save").click()
    saved = answer.value.json()
    assert answer.value.status == 200, saved
    definition = saved["definition"]
    assert [o["id"] for o in definition["options"]] == ["write-it-up", "write-it-up-2"]
    assert [c["id"] for c in definition["criteria"]] == ["accurate-physics"]
    assert saved["display_name"] == "Forces in motion" == definition["title"]

    # Reopened: the ids stay with their rows, a new row gets its own, a renamed one keeps its id.
    page.reload()
    editor = page.locator(".plc-editor")
    expect(page.get_by_role("button", name="Start from an example")).to_have_count(0)
    editor.locator("[data-field='options[0].title']").fill("Write a lab report")
    editor.get_by_role("button", name="Add an option").click()
    editor.locator("[data-field='options[2].title']").fill("Film a demonstration")
    with page.expect_response(lambda r: "studio_submit" in r.url) as answer:
        editor.get_by_role("button", name="Save").click()
    options = answer.value.json()["definition"]["options"]
    assert [(o["id"], o["title"]) for o in options] == [
        ("write-it-up", "Write a lab report"), ("write-it-up-2", "Write it up"),
        ("film-a-demonstration", "Film a demonstration")]
    assert page.errors == []


def test_removing_an_option_can_be_undone(workbench, new_page):
    page = new_page()
    page.goto(workbench.scenario(CHOICE_ONLY, "staff", "studio_view"))
    page.get_by_role("button", name="Start from an example").click()
    editor = page.locator(".plc-editor")
    titles = editor.locator("input[data-field$='].title'][data-field^='options']")
    expect(titles).to_have_count(3)
    editor.get_by_role("button", name="Remove: Option 2").click()
    expect(titles).to_have_count(2)
    undo = editor.get_by_role("button", name="Undo: restore Option 2")
    expect(undo).to_be_focused()
    expect(editor.locator(".plc-sec-edit-options .plc-undo")).to_contain_text("Option 2 removed.")
    undo.click()
    expect(titles).to_have_count(3)
    expect(titles.nth(1)).to_have_value("Record a short talk")
    expect(titles.nth(1)).to_be_focused()
    expect(editor.locator(".plc-sec-edit-options .plc-undo")).to_be_hidden()
    assert page.errors == []


def _stored_rows(db: Path) -> dict[str, int]:
    """Rows of every PL Choice and edx-submissions table in the workbench database."""
    with sqlite3.connect(db) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
                  if name.startswith(("xblock_plchoice", "plchoice", "submissions"))]
        return {table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_view_as_a_learner_stores_nothing(workbench, new_page):
    db = workbench.var_dir / "workbench.db"
    before = _stored_rows(db)
    assert before, "no PL Choice tables found"
    page = new_page()
    root = open_block(page, workbench.scenario(UNIT, "staff"))
    expect(root).to_have_class("plc plc-view-staff")
    root.get_by_role("button", name="View as a learner").click()
    banner = root.locator(".plc-preview-banner")
    expect(banner).to_contain_text("nothing you do here is saved")
    expect(root.locator(".plc-sec-choose")).to_be_visible()

    choose = section(root, "choose")
    choose.get_by_role("radio", name="Write an explanation").check()
    choose.locator("form").first.locator("button[type=submit]").click()
    evidence = section(root, "evidence")
    expect(evidence).to_be_visible()
    evidence.get_by_label("Your written evidence").fill("A preview answer that must not be kept.")
    rate_all(root, "Meets")
    evidence.locator("button[type=submit]").last.click()
    expect(section(root, "attempts")).to_contain_text("A preview answer that must not be kept.")
    expect(banner).to_be_visible()  # still the preview after every step

    banner.get_by_role("button", name="Back to the staff view").click()
    expect(root.locator(".plc-sec-queue")).to_be_visible()
    expect(root.locator(".plc-facts")).not_to_contain_text("Submitted for review")  # no count moved
    assert _stored_rows(db) == before
    assert _files(workbench.var_dir / "plchoice-files") == []
    assert page.errors == []


def test_workbench_serves_a_favicon(workbench, new_page):
    page = new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(workbench.scenario(UNIT, "alice"))
    expect(page.locator(".plchoice-plchoice .plc h2").first).to_be_visible()
    icon = page.request.get(workbench.url + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon" and icon.body()[:4] == b"\0\0\1\0"
    page.wait_for_timeout(500)
    assert missing == []
