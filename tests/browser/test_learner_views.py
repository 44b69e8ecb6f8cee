"""Issue 8, learner view, in chromium on the workbench: the success criteria before choosing,
errors and confirmations where the learner acted (measured by bounding boxes), one evidence kind
at a time, words counted where the guidance speaks of words, feedback above the revise form and
no score while revising, plain words after a proposal decision, and the learning log, profile
and "My data" once on a page holding both blocks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from xblock_plchoice.workbench.services import anonymous_id_for

from .pages import (
    CHOICE_ONLY,
    UNIT,
    block_handlers,
    call,
    choose,
    gap,
    open_block,
    pick_kind,
    rate_all,
    section,
    seed_submission,
)

pytestmark = pytest.mark.browser
NEAR_PX = 100


def test_criteria_before_choosing_and_errors_where_the_learner_acted(workbench, new_page):
    page = new_page()
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "lena"))
    criteria = root.get_by_test_id("criteria")
    expect(criteria).to_contain_text("Accurate science")
    expect(criteria).to_contain_text("Someone new to the topic could follow it.")
    # Up front: in the header with the goal, above the ways to choose from.
    assert criteria.bounding_box()["y"] < section(root, "choose").bounding_box()["y"]

    choose_sec = section(root, "choose")
    button = choose_sec.get_by_role("button", name="Choose this way")
    button.click()
    error = choose_sec.get_by_test_id("inline-error")
    expect(error).to_have_text("Pick one of the ways first.")
    expect(error).to_have_attribute("role", "alert")
    assert gap(error, button) < NEAR_PX, gap(error, button)
    expect(root.locator(".plc-alert")).to_be_empty()  # not at the top of the block
    choose_sec.get_by_role("radio", name="Build a model or infographic").check()
    expect(error).to_have_count(0)  # stale as soon as the field is fixed

    button.click()
    evidence = section(root, "evidence")
    expect(evidence).to_be_visible()
    confirmation = choose_sec.get_by_test_id("inline-ok")
    expect(confirmation).to_have_text("Choice saved.")
    assert gap(confirmation, choose_sec.get_by_role("button", name="Change my choice")) < NEAR_PX

    # One evidence kind at a time, in a labelled radio group.
    kinds = evidence.get_by_role("group", name="How will you hand in your work?")
    expect(kinds.get_by_role("radio")).to_have_count(3)
    expect(evidence.locator(".plc-uploader-file")).to_be_visible()
    expect(evidence.locator(".plc-links")).to_be_hidden()
    expect(evidence.get_by_label("Your written evidence")).to_be_hidden()

    pick_kind(root, "Link")
    evidence.get_by_role("button", name="Add a link").click()
    link = evidence.get_by_label("Link 1", exact=True)
    link.fill("not a web address")
    save = evidence.get_by_role("button", name="Save draft")
    save.click()
    link_error = evidence.locator(".plc-links .plc-field-error")
    expect(link_error).to_have_text("Enter a web address that starts with http:// or https://.")
    expect(link).to_have_attribute("aria-invalid", "true")
    assert gap(link_error, link) < NEAR_PX
    summary = evidence.get_by_test_id("inline-error")
    expect(summary).to_contain_text("One of your links is not a web address.")
    assert gap(summary, save) < NEAR_PX
    link.fill("https://example.org/my-model")
    expect(link_error).to_have_count(0)
    expect(link).not_to_have_attribute("aria-invalid", "true")

    pick_kind(root, "Write")
    evidence.get_by_label("Your written evidence").fill("A model of a leaf.")
    expect(evidence.get_by_label("Link 1", exact=True)).to_be_hidden()  # kept, just not shown
    submit = evidence.get_by_role("button", name="Submit for review")
    submit.click()  # the self-assessment is required and still empty
    sa_error = root.locator(".plc-self-assess .plc-field-error").first
    expect(sa_error).to_be_visible()
    near_submit = evidence.get_by_test_id("inline-error")
    expect(near_submit).to_contain_text("Assess your own work against the success criteria")
    assert gap(near_submit, submit) < NEAR_PX
    expect(root.locator(".plc-alert")).to_be_empty()
    rate_all(root, "Meets")
    expect(near_submit).to_have_count(0)

    save.click()
    saved = evidence.get_by_test_id("inline-ok")
    expect(saved).to_have_text("Draft saved.")
    expect(saved).to_have_attribute("aria-live", "polite")
    assert gap(saved, evidence.get_by_role("button", name="Save draft")) < NEAR_PX

    evidence.get_by_role("button", name="Submit for review").click()
    attempts = section(root, "attempts")
    submitted = attempts.get_by_test_id("inline-ok")
    expect(submitted).to_have_text("Submitted. Staff will review your work.")
    assert gap(submitted, attempts.locator(".plc-heading")) < NEAR_PX
    expect(attempts).to_contain_text("https://example.org/my-model")  # the hidden link was handed in
    assert page.errors == []


def test_words_counted_where_guidance_speaks_of_words(workbench, new_page):
    page = new_page()
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "wes"))
    choose(root, "Write an explanation")  # "400-800 words"
    evidence = section(root, "evidence")
    area = evidence.get_by_label("Your written evidence")
    area.fill("Light is  captured\nby chlorophyll.")
    expect(evidence.get_by_test_id("word-count")).to_have_text("Words: 5")
    expect(evidence.get_by_test_id("char-count")).to_be_hidden()
    area.fill("x" * 19000)  # near the 20,000-character hard limit the characters appear
    expect(evidence.get_by_test_id("char-count")).to_have_text("19,000 of 20,000 characters")

    choose_again = section(root, "choose")
    choose_again.get_by_role("radio", name="Build a model or infographic").check()
    choose_again.get_by_role("button", name="Change my choice").click()
    pick_kind(root, "Write")
    # This guidance says nothing of words: characters against the limit only.
    expect(section(root, "evidence").get_by_test_id("word-count")).to_have_count(0)
    expect(section(root, "evidence").get_by_test_id("char-count")).to_be_visible()
    assert page.errors == []


def test_revising_shows_feedback_first_and_no_score(workbench, new_page):
    staff = new_page()
    open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    handlers = block_handlers(staff)
    seed_submission(staff, handlers, "rui", "First try")
    call(staff, handlers, "review", "staff", {"learner_id": _anon(staff, handlers, "rui"), "attempt": 1,
                                              "ratings": {"accuracy": "not_yet", "clarity": "meets",
                                                          "evidence": "meets"},
                                              "feedback": "Name the inputs.", "decision": "revise"})
    page = new_page()
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "rui"))
    expect(root.get_by_test_id("status-banner")).to_have_text("Status: Revision requested")
    expect(root.get_by_test_id("score")).to_have_count(0)
    latest = root.get_by_test_id("latest-feedback")
    expect(latest).to_contain_text("Name the inputs.")
    expect(latest.locator("table.plc-ratings")).to_contain_text("Not yet")
    form = section(root, "evidence")
    assert latest.bounding_box()["y"] < form.bounding_box()["y"]  # read it, then revise below
    expect(form.locator(".plc-heading")).to_have_text("Revise your evidence")
    assert page.errors == []


def test_proposal_decisions_in_plain_words(workbench, new_page):
    staff = new_page()
    open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    handlers = block_handlers(staff)
    call(staff, handlers, "propose", "ola", {"title": "A song", "plan": "Three verses"})
    call(staff, handlers, "decide_proposal", "staff", {"learner_id": _anon(staff, handlers, "ola"),
                                                       "decision": "redirect", "note": "Talk it through instead.",
                                                       "suggested_option_id": "record"})
    page = new_page()
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "ola"))
    proposal = root.get_by_test_id("proposal")
    # The way's title is bidi-isolated (FSI ... PDI) inside the translated sentence.
    expect(proposal).to_contain_text(
        re.compile("Staff suggest a different way: \u2068Record a short talk\u2069\\. Choose it below"))
    expect(proposal).to_contain_text("Talk it through instead.")
    expect(proposal).not_to_contain_text("Redirected")
    expect(root.locator(".plc-propose")).to_be_visible()  # not approved: they may propose again
    assert page.errors == []


def test_one_unit_with_both_blocks_shows_log_profile_and_my_data_once(workbench, new_page):
    page = new_page()
    open_block(page, workbench.scenario(UNIT, "uma"))
    expect(page.locator(".plchoice-plreflection .plc h2")).to_be_visible()
    for key in ("log", "profile", "my-data"):
        expect(page.locator(f".plc-sec-{key}")).to_have_count(1)
        # Owned by the first block on the page (the reflection), whichever state arrived first.
        expect(page.locator(f".plchoice-plreflection .plc-sec-{key}")).to_have_count(1)
    page.locator(".plchoice-plchoice .plc-sec-choose").get_by_role("radio").first.check()
    page.locator(".plchoice-plchoice .plc-sec-choose").get_by_role("button", name="Choose this way").click()
    expect(page.locator(".plchoice-plchoice .plc-sec-evidence")).to_be_visible()
    expect(page.locator(".plc-sec-log")).to_have_count(1)  # still once after the choice block re-rendered
    assert page.errors == []


def _anon(page, handlers, student: str) -> str:
    """The learner id staff see for a workbench student (the workbench's stable anonymous id)."""
    return anonymous_id_for(student)
