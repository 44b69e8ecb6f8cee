"""Issue 9 in the LTI home, launched by the demo platform over HTTP (real OIDC, real AGS outbox):
an instructor claims a learner, comments on a criterion, saves it to the comment bank and records
audio feedback; the queue shows the grade delivery; the learner plays the recording and replies;
a second instructor is refused on the claimed item and keeps their text; an accommodation lets a
learner past the due date submit. axe runs on the new parts in English and Arabic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.lti.platform_fixtures import Browser, platform_state, wait_for
from tests.lti.test_ags_outbox_faults import faults
from xblock_plchoice.core.activity import default_choice_definition

from .feedback_pages import (
    assert_clean_text,
    claim,
    fill_review,
    open_every_feedback_part,
    open_review,
    queue_row,
    read_feedback_and_reply,
    review_with_comment_and_audio,
    save_review,
    shot,
    submit_in_any_language,
)
from .lti_fixtures import launch_url
from .pages import choose, rate_all, section, submit
from .test_lti_accessibility import check
from .test_lti_learning_loop import open_launch

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.browser.lti_fixtures",)  # servers


def submit_work(page: Page, url: str, text: str):
    root = open_launch(page, url)
    choose(root, "Write an explanation")
    section(root, "evidence").get_by_label("Your written evidence").fill(text)
    rate_all(root, "Meets")
    submit(root)
    return root


def all_statuses(root) -> None:
    queue = section(root, "queue")
    queue.get_by_label("Status").select_option(value="")
    queue.get_by_role("button", name="Show", exact=True).click()
    expect(section(root, "queue").locator("[data-testid=queue] caption")).to_be_visible()


def test_lti_comment_audio_delivery_reply_and_second_grader(servers, new_page, media_browser):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    learner_url = launch_url(platform, "learner-1", link["id"])
    staff_url = launch_url(platform, "instructor-1", link["id"])
    learner = new_page(target=media_browser)
    submit_work(learner, learner_url, "Plants make sugar from light.")

    staff = new_page(target=media_browser)
    staff.context.grant_permissions(["microphone", "camera"], origin=tool.url)
    root = open_launch(staff, staff_url)
    expect(queue_row(root, "Lin Learner").locator("td[data-col=waiting]")).to_contain_text("waiting 1 minute")
    panel = open_review(root, "Lin Learner")
    claim(panel, "Lin Learner")
    review_with_comment_and_audio(staff, root, panel)
    assert_clean_text(root)
    save_review(panel)
    expect(root.get_by_test_id("review-panel")).to_have_count(0)

    # The revise decision's AGS score reaches the platform; the queue says so.
    wait_for(lambda: [s for s in platform_state(platform)["scores"] if s["gradingProgress"] == "NotReady"] or None,
             timeout=30, message="the revise score at the platform")
    root = open_launch(staff, staff_url)
    all_statuses(root)
    expect(queue_row(root, "Lin Learner").locator("td[data-col=grade]")).to_have_text("Grade delivered")
    panel = open_review(root, "Lin Learner")
    expect(panel.get_by_test_id("delivery")).to_contain_text("The gradebook has this grade.")
    shot(panel, "lti-staff-panel-after-review-en")

    root = open_launch(learner, learner_url)
    read_feedback_and_reply(learner, root)
    shot(section(root, "attempts"), "lti-learner-feedback-en")
    assert_clean_text(root)

    # Lin resubmits; a second instructor finds the item claimed by Ada and is refused, keeping the text.
    section(root, "evidence").get_by_label("Your written evidence").fill("Chlorophyll a absorbs light.")
    rate_all(root, "Exceeds")
    submit(root)
    second = new_page()
    root2 = open_launch(second, launch_url(platform, "instructor-2", link["id"]))
    row = queue_row(root2, "Lin Learner")
    expect(row.locator("td[data-col=claimed]")).to_have_text("Ada Instructor")
    expect(row.locator("td[data-col=unread]")).to_have_text("New replies: 1")
    panel = open_review(root2, "Lin Learner")
    expect(panel.get_by_test_id("claim")).to_contain_text("Claimed by Ada Instructor")
    threads = panel.get_by_test_id("thread")
    expect(threads).to_have_count(2)  # attempt 2 (under review), then attempt 1 with Lin's reply
    expect(threads.nth(0)).to_contain_text("Conversation about attempt 2")
    expect(threads.nth(1)).to_contain_text("Thank you, I will name chlorophyll a.")
    form = fill_review(panel, "Meets", "Clear now.", "Mastered")
    save_review(panel)
    expect(form.locator(".plc-conflict")).to_contain_text("Ada Instructor")
    expect(form.locator(".plc-conflict")).to_contain_text("everything you wrote is still in this form")
    expect(form.get_by_label("Feedback for the learner")).to_have_value("Clear now.")
    shot(panel, "lti-conflict-en")
    assert_clean_text(root2)
    assert learner.errors == [] and staff.errors == [] and second.errors == []


def test_lti_accommodation_lets_a_learner_past_due_submit(servers, new_page):
    platform, tool = servers()
    definition = default_choice_definition()
    definition["policies"]["due"] = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    link = Browser(platform, tool, "instructor-1").deep_link(definition)
    learner_url = launch_url(platform, "learner-2", link["id"])
    learner = new_page()
    root = open_launch(learner, learner_url)
    expect(root.locator(".plc-header")).to_contain_text("The due date has passed.")
    choose(root, "Write an explanation")
    expect(section(root, "evidence").locator("button[type=submit]")).to_be_disabled()

    staff = new_page()
    root = open_launch(staff, launch_url(platform, "instructor-1", link["id"]))
    all_statuses(root)
    panel = open_review(root, "Sam Student")
    acc = panel.get_by_test_id("accommodation")
    due = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    acc.get_by_label("Individual due date").fill(due)
    acc.get_by_label("Extra revisions").fill("1")
    acc.get_by_role("button", name="Save accommodation").click()
    expect(root.locator(".plc-status")).to_have_text("Accommodation saved for Sam Student.")
    expect(panel.get_by_test_id("accommodation")).to_contain_text("Extra revisions granted: 1")
    shot(panel, "lti-accommodation-en")

    root = open_launch(learner, learner_url)
    expect(root.get_by_test_id("own-due")).to_contain_text("Your due date:")
    expect(root.locator(".plc-header")).not_to_contain_text("The due date has passed.")
    section(root, "evidence").get_by_label("Your written evidence").fill("Late, with permission.")
    rate_all(root, "Meets")
    submit(root)
    expect(root.locator(".plc-badge")).to_contain_text("Submitted for review")
    assert_clean_text(root)
    assert learner.errors == [] and staff.errors == []


def test_lti_failed_grade_delivery_shows_the_reason_and_resends(servers, new_page):
    platform, tool = servers(PLCHOICE_OUTBOX_MAX_TRIES="2")
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    learner = new_page()
    submit_work(learner, launch_url(platform, "learner-1", link["id"]), "Chlorophyll absorbs light.")
    wait_for(lambda: platform_state(platform)["scores"] or None, timeout=30, message="the submitted score")

    faults(platform, mode="503")  # the gradebook is down: the decision's score gives up after 2 tries
    staff = new_page()
    staff_url = launch_url(platform, "instructor-1", link["id"])
    root = open_launch(staff, staff_url)
    panel = open_review(root, "Lin Learner")
    fill_review(panel, "Meets", "Clear and accurate.", "Mastered")
    save_review(panel)
    expect(root.get_by_test_id("review-panel")).to_have_count(0)

    def failed_row():
        page_root = open_launch(staff, staff_url)
        all_statuses(page_root)
        cell = queue_row(page_root, "Lin Learner").locator("td[data-col=grade]")
        cell.wait_for()
        return page_root if cell.inner_text().startswith("Grade not delivered") else None

    root = wait_for(failed_row, timeout=60, interval=1, message="the queue showing the failed delivery")
    expect(queue_row(root, "Lin Learner").locator("td[data-col=grade]")).to_contain_text(
        "Sending stopped after too many failed tries.")
    panel = open_review(root, "Lin Learner")
    delivery = panel.get_by_test_id("delivery")
    expect(delivery).to_contain_text("Grade not delivered")
    shot(panel.get_by_test_id("delivery"), "lti-delivery-failed-en")
    assert_clean_text(root)

    faults(platform, mode="ok")
    delivery.get_by_role("button", name="Send the grade again").click()
    expect(root.locator(".plc-status")).to_have_text("The grade is queued to be sent again.")
    wait_for(lambda: [s for s in platform_state(platform)["scores"] if s.get("scoreGiven") == 10] or None,
             timeout=30, message="the resent grade at the platform")
    assert staff.errors == [] and learner.errors == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_lti_feedback_ui_has_no_axe_violations(servers, new_page, lang):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    learner = new_page()
    learner_url = launch_url(platform, "learner-1", link["id"], locale=lang)
    submit_in_any_language(open_launch(learner, learner_url), "Evidence / دليل")

    staff = new_page()
    root = open_launch(staff, launch_url(platform, "instructor-1", link["id"], locale=lang))
    open_every_feedback_part(root)
    shot(root, f"lti-staff-{lang}")
    check(staff, f"{lang} LTI staff: claim bar, comments, bank tools, media, thread, accommodation, bank")
    assert_clean_text(root)

    root = open_launch(learner, learner_url)
    expect(section(root, "attempts").get_by_test_id("thread").locator(".plc-message")).to_have_count(1)
    shot(root, f"lti-learner-{lang}")
    check(learner, f"{lang} LTI learner: thread with a staff message and the reply box")
    assert_clean_text(root)
    assert learner.errors == [] and staff.errors == []
