"""Issue 9 in the XBlock home (the real workbench, edx-submissions, chromium with a fake microphone):
a grader claims a learner, comments on a criterion, saves the comment to the bank, records audio
feedback; the learner sees the comment beside the rating, plays the recording and replies; the
queue shows and filters the unread reply; a second grader is refused on the claimed item and keeps
their text; an accommodation gives a learner past the due date their own date; a criteria edit
warns how many learners have attempts. axe runs on the new parts in English and Arabic."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .feedback_pages import (
    assert_clean_text,
    claim,
    fill_review,
    open_every_feedback_part,
    open_review,
    queue_row,
    read_feedback_and_reply,
    reply,
    review_with_comment_and_audio,
    save_review,
    shot,
    submit_in_any_language,
)
from .pages import CHOICE_ONLY, choose, open_block, rate_all, section, submit
from .test_accessibility import check
from .test_queue import SEED

pytestmark = pytest.mark.browser


def submit_work(page, url: str, text: str) -> None:
    root = open_block(page, url)
    choose(root, "Write an explanation")
    section(root, "evidence").get_by_label("Your written evidence").fill(text)
    rate_all(root, "Meets")
    submit(root)


def local_input(delta: timedelta) -> str:
    """A datetime-local value (the browser's zone is the test's) this far from now."""
    return (datetime.now() + delta).strftime("%Y-%m-%dT%H:%M")


def test_comment_recorded_audio_reply_and_unread_filter(workbench, new_page, media_browser):
    learner = new_page(target=media_browser)
    learner_url = workbench.scenario(CHOICE_ONLY, "ana")
    submit_work(learner, learner_url, "Plants make sugar from light.")

    staff = new_page(target=media_browser)
    staff.context.grant_permissions(["microphone", "camera"], origin=workbench.url)
    staff_url = workbench.scenario(CHOICE_ONLY, "staff")
    root = open_block(staff, staff_url)
    row = queue_row(root, "Workbench user ana")
    expect(row.locator("td[data-col=waiting]")).to_contain_text("waiting 1 minute")
    expect(row.locator("td[data-col=claimed]")).to_have_text("—")
    panel = open_review(root, "Workbench user ana")
    claim(panel, "Workbench user ana")
    expect(row.locator("td[data-col=claimed]")).to_have_text("You")

    form = review_with_comment_and_audio(staff, root, panel)
    saved = form.get_by_label("Saved comments for Accurate science")
    expect(saved.locator("option")).to_have_count(2)
    expect(saved.locator("option").nth(1)).to_have_text("Name the pigment: chlorophyll a.")
    shot(panel, "wb-review-panel-en")
    assert_clean_text(root)
    save_review(panel)
    expect(root.get_by_test_id("review-panel")).to_have_count(0)
    assert_clean_text(root)

    root = open_block(learner, learner_url)
    read_feedback_and_reply(learner, root)
    shot(section(root, "attempts"), "wb-learner-feedback-en")
    assert_clean_text(root)

    root = open_block(staff, staff_url)
    queue = section(root, "queue")
    queue.get_by_label("Status").select_option(value="")
    queue.get_by_role("button", name="Show", exact=True).click()
    expect(queue_row(root, "Workbench user ana").locator("td[data-col=unread]")).to_have_text("New replies: 1")
    queue.get_by_label("Only unread replies").check()
    queue.get_by_role("button", name="Show", exact=True).click()
    expect(queue.locator("[data-testid=queue] tbody tr")).to_have_count(1)
    expect(queue_row(root, "Workbench user ana").locator("td[data-col=grade]")).to_have_text("Grade delivered")
    panel = open_review(root, "Workbench user ana")
    expect(panel.get_by_test_id("delivery")).to_contain_text("A revision request sends no score")
    staff_thread = panel.get_by_test_id("thread")
    expect(staff_thread).to_contain_text("Thank you, I will name chlorophyll a.")
    expect(queue_row(root, "Workbench user ana").locator("td[data-col=unread]")).to_have_text("—")
    reply(staff_thread, "Good plan. Resubmit when ready. <img src=x onerror=alert(1)>")
    expect(panel.get_by_test_id("thread").locator(".plc-message")).to_have_count(2)
    expect(panel.get_by_test_id("thread").locator(".plc-message img")).to_have_count(0)  # text, not markup
    expect(panel.get_by_test_id("thread").locator("textarea")).to_have_value("")

    root = open_block(learner, learner_url)
    section(root, "log").get_by_role("button", name="Show my learning log").click()
    log = root.get_by_test_id("log")
    expect(log).to_contain_text("I replied about attempt 1")
    expect(log).to_contain_text("Staff replied about attempt 1")
    expect(log).to_contain_text("Good plan. Resubmit when ready. <img src=x onerror=alert(1)>")
    expect(log.locator("img")).to_have_count(0)
    assert_clean_text(root)
    assert learner.errors == [] and staff.errors == []
    assert learner.dialogs == [] and staff.dialogs == []


def test_second_grader_refused_and_accommodation_extends_due_date(workbench, new_page):
    learner = new_page()
    submit_work(learner, workbench.scenario(CHOICE_ONLY, "ben"), "Light, water, carbon dioxide.")

    first = new_page()
    root = open_block(first, workbench.scenario(CHOICE_ONLY, "staff"))
    claim(open_review(root, "Workbench user ben"), "Workbench user ben")

    second = new_page()
    root2 = open_block(second, workbench.scenario(CHOICE_ONLY, "staff2"))
    expect(queue_row(root2, "Workbench user ben").locator("td[data-col=claimed]")).to_have_text("Workbench user staff")
    panel = open_review(root2, "Workbench user ben")
    expect(panel.get_by_test_id("claim")).to_contain_text("Claimed by Workbench user staff")
    expect(panel.get_by_test_id("claim").get_by_role("button")).to_have_count(0)
    form = fill_review(panel, "Meets", "Clear and complete.", "Mastered")
    form.get_by_label("Comment on Clear explanation (optional)").fill("Well ordered steps.")
    save_review(panel)
    conflict = form.locator(".plc-conflict")
    expect(conflict).to_contain_text("everything you wrote is still in this form")
    expect(panel.get_by_test_id("inline-error")).to_be_visible()  # the 409 is said next to "Save review"
    expect(form.get_by_label("Feedback for the learner")).to_have_value("Clear and complete.")
    expect(form.get_by_label("Comment on Clear explanation (optional)")).to_have_value("Well ordered steps.")
    shot(panel, "wb-conflict-en")
    assert_clean_text(root2)

    # An accommodation: the activity's due date passes, one learner gets their own.
    cy = new_page()
    cy_url = workbench.scenario(CHOICE_ONLY, "cy")
    root = open_block(cy, cy_url)
    choose(root, "Write an explanation")
    section(root, "evidence").get_by_label("Your written evidence").fill("Draft about chloroplasts.")
    rate_all(root, "Meets")
    section(root, "evidence").get_by_role("button", name="Save draft").click()
    expect(root.locator(".plc-status")).to_have_text("Draft saved.")

    studio = new_page()
    studio.goto(workbench.scenario(CHOICE_ONLY, "staff", "studio_view"))
    studio.locator(".plc-editor input[data-field='policies.due']").fill(local_input(timedelta(days=-1)))
    studio.locator(".plc-editor button[type=submit]").click()
    expect(studio.locator(".plc-status")).to_have_text("Saved.")

    root = open_block(cy, cy_url)
    expect(root.locator(".plc-header")).to_contain_text("The due date has passed.")

    root = open_block(first, workbench.scenario(CHOICE_ONLY, "staff"))
    queue = section(root, "queue")
    queue.get_by_label("Status").select_option(value="")
    queue.get_by_role("button", name="Show", exact=True).click()
    panel = open_review(root, "Workbench user cy")
    acc = panel.get_by_test_id("accommodation")
    acc.get_by_label("Individual due date").fill(local_input(timedelta(days=7)))
    acc.get_by_label("Extra revisions").fill("2")
    acc.get_by_role("button", name="Save accommodation").click()
    expect(root.locator(".plc-status")).to_have_text("Accommodation saved for Workbench user cy.")
    acc = panel.get_by_test_id("accommodation")
    expect(acc).to_contain_text("Individual due date:")
    expect(acc).to_contain_text("Extra revisions granted: 2")
    shot(panel, "wb-accommodation-en")

    root = open_block(cy, cy_url)
    expect(root.get_by_test_id("own-due")).to_contain_text("Your due date:")
    expect(root.locator(".plc-header")).not_to_contain_text("The due date has passed.")
    submit(root)
    expect(root.locator(".plc-badge")).to_contain_text("Submitted for review")
    assert_clean_text(root)
    assert first.errors == [] and second.errors == [] and cy.errors == [] and studio.errors == []


def test_criteria_edit_warns_how_many_learners_have_attempts(workbench, new_page):
    learner = new_page()
    submit_work(learner, workbench.scenario(CHOICE_ONLY, "dee"), "Chlorophyll absorbs red and blue light.")
    studio = new_page()
    studio.goto(workbench.scenario(CHOICE_ONLY, "staff", "studio_view"))
    title = studio.locator(".plc-editor input[data-field='criteria[0].title']")
    expect(title).to_have_value("Accurate science")
    title.fill("Accurate biology")
    studio.locator(".plc-editor button[type=submit]").click()
    warning = studio.get_by_test_id("rubric-warning")
    expect(warning).to_contain_text("Learners with attempts so far: 1.")
    expect(warning).to_contain_text("Renamed: 1")
    expect(warning).to_be_focused()
    shot(warning, "wb-rubric-warning-en")
    warning.get_by_role("button", name="Save anyway").click()
    expect(studio.locator(".plc-status")).to_have_text("Saved.")
    expect(studio.get_by_test_id("rubric-warning")).to_have_count(0)
    assert studio.errors == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_new_feedback_ui_has_no_axe_violations(workbench, new_page, lang):
    learner = new_page(locale=lang)
    url = workbench.scenario(CHOICE_ONLY, "eli")
    submit_in_any_language(open_block(learner, url), "Evidence in any language.")

    staff = new_page(locale=lang)
    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    open_every_feedback_part(root)
    shot(root, f"wb-staff-{lang}")
    check(staff, f"{lang} staff: claim bar, comment boxes, bank tools, media, thread, accommodation, bank")
    assert_clean_text(root)

    root = open_block(learner, url)
    expect(section(root, "attempts").get_by_test_id("thread").locator(".plc-message")).to_have_count(1)
    shot(root, f"wb-learner-{lang}")
    check(learner, f"{lang} learner: thread with a staff message and the reply box")
    assert_clean_text(root)
    assert learner.errors == [] and staff.errors == []


def test_comment_bank_import_insert_remove_and_export(workbench, new_page):
    learner = new_page()
    submit_work(learner, workbench.scenario(CHOICE_ONLY, "fay"), "Light reactions, then the Calvin cycle.")
    staff = new_page()
    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    bank = root.get_by_test_id("comment-bank")
    csv = "criterion_id,text\naccuracy,Check the units.\n,Lovely handwriting <script>alert(1)</script>\n"
    bank.get_by_label("Import comments from a CSV file").set_input_files(
        files=[{"name": "bank.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    expect(root.locator(".plc-status")).to_have_text("Comments imported: 2")
    bank.get_by_role("button", name="Show saved comments").click()
    rows = bank.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Lovely handwriting")).to_contain_text("Any criterion")
    expect(rows.filter(has_text="Lovely handwriting")).to_contain_text("<script>alert(1)</script>")  # inert text
    assert staff.dialogs == []

    # The panel's lists offer the criterion's own comments and the general ones.
    panel = open_review(root, "Workbench user fay")
    form = panel.locator(".plc-review-form")
    saved = form.get_by_label("Saved comments for Accurate science")
    expect(saved.locator("option")).to_have_count(3)
    saved.select_option(label="Check the units.")
    form.get_by_role("button", name="Insert the saved comment into the comment on Accurate science").click()
    expect(form.get_by_label("Comment on Accurate science (optional)")).to_have_value("Check the units.")
    expect(form.get_by_label("Comment on Accurate science (optional)")).to_be_focused()
    expect(form.get_by_label("Saved comments for Clear explanation").locator("option")).to_have_count(2)

    rows.filter(has_text="Lovely handwriting").get_by_role("button").click()
    expect(root.locator(".plc-status")).to_have_text("Saved comment removed.")
    expect(bank.locator("tbody tr")).to_have_count(1)
    expect(form.get_by_label("Saved comments for Clear explanation").locator("option")).to_have_text(
        ["No saved comments yet."])
    with staff.expect_download() as download:
        bank.get_by_role("button", name="Export the comment bank (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Check the units." in text and "Lovely handwriting" not in text, text
    shot(bank, "wb-comment-bank-en")
    assert_clean_text(root)
    assert staff.errors == []


def test_queue_sorts_and_claim_filters(workbench, new_page):
    staff = new_page()
    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    args = [json.loads(text) for text in staff.locator("script.xblock_json_init_args").all_text_contents()]
    handlers = next(a for a in args if a.get("block_type") == "plchoice")["handlers"]
    staff.evaluate(SEED, {"handlers": handlers, "count": 3})  # seed00, seed01, seed02, in that order

    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    queue = section(root, "queue")
    names = queue.locator("[data-testid=queue] tbody th")
    expect(queue.get_by_label("Sort")).to_have_value("oldest")
    expect(names).to_have_text(["Workbench user seed00", "Workbench user seed01", "Workbench user seed02"])
    queue.get_by_label("Sort").select_option(value="newest")
    queue.get_by_role("button", name="Show", exact=True).click()
    expect(names).to_have_text(["Workbench user seed02", "Workbench user seed01", "Workbench user seed00"])

    claim(open_review(root, "Workbench user seed01"), "Workbench user seed01")
    queue.get_by_label("Claimed").select_option(value="mine")
    queue.get_by_role("button", name="Show", exact=True).click()
    expect(names).to_have_text(["Workbench user seed01"])
    queue.get_by_label("Claimed").select_option(value="unclaimed")
    queue.get_by_label("Sort").select_option(value="name")
    queue.get_by_role("button", name="Show", exact=True).click()
    expect(names).to_have_text(["Workbench user seed00", "Workbench user seed02"])
    shot(queue, "wb-queue-filters-en")
    assert_clean_text(root)
    assert staff.errors == []
