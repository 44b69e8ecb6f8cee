"""No rendered view shows `null`, `undefined`, `NaN` or `[object Object]`: one walk through every
learner and staff view of a unit holding both blocks (learner: not started, chosen with each
evidence kind, submitted, revise, mastered, proposal pending / approved / redirected; reflection
block; log, profile, my data; staff: queue, review panel, analytics, proposals, shared
reflections), in English and in Arabic. Text and the attributes people hear (aria-label, alt,
title, placeholder) are checked. Screenshots of each view are kept for a look."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from xblock_plchoice.workbench.services import anonymous_id_for

from .pages import GOOD, UNIT, block_handlers, call, open_block, seed_submission

pytestmark = pytest.mark.browser

BAD = re.compile(r"\b(null|undefined|NaN)\b|\[object Object\]")
RENDERED = """() => [...document.querySelectorAll('.plchoice-xblock .plc')].map((shell) => {
  const parts = [shell.innerText];
  for (const el of shell.querySelectorAll('[aria-label], [alt], [title], [placeholder]')) {
    for (const name of ['aria-label', 'alt', 'title', 'placeholder']) {
      if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  return parts.join('\\n');
}).join('\\n')"""


def assert_clean(page: Page, what: str, shots, lang: str) -> None:
    text = page.evaluate(RENDERED)
    found = sorted({m.group(0) for m in BAD.finditer(text)})
    assert not found, f"{lang} {what}: {found}"
    page.screenshot(path=str(shots / f"walk-{lang}-{what}.png"), full_page=True)


def seed(page: Page) -> None:
    choice = block_handlers(page, "plchoice")
    reflection = block_handlers(page, "plreflection")
    for option in ("write", "record", "build"):
        call(page, choice, "choose", f"c-{option}", {"option_id": option})
    for student in ("sub", "rev", "mas"):
        seed_submission(page, choice, student, f"Work of {student}")
    for student, decision in (("rev", "revise"), ("mas", "mastered")):
        call(page, choice, "review", "staff", {"learner_id": anonymous_id_for(student), "attempt": 1,
                                               "ratings": GOOD, "feedback": "Feedback.", "decision": decision})
    for student in ("pp", "pa", "pr"):
        call(page, choice, "propose", student, {"title": f"Idea of {student}", "plan": "A plan"})
    call(page, choice, "decide_proposal", "staff", {"learner_id": anonymous_id_for("pa"), "decision": "approve"})
    call(page, choice, "decide_proposal", "staff", {"learner_id": anonymous_id_for("pr"), "decision": "redirect",
                                                    "note": "Try a talk.", "suggested_option_id": "record"})
    call(page, reflection, "reflect", "mas", {"phase": "before", "share_with_staff": True,
                                             "answers": {"goal": "Speak up"}})
    call(page, choice, "reflect", "mas", {"phase": "after", "share_with_staff": True,
                                         "answers": {"worked": "Drawing"}})
    call(page, choice, "profile", "mas", {"strengths": "Drawing", "share_with_staff": True})


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_view_renders_null_undefined_nan_or_object(workbench, new_page, screenshot_dir, lang):
    setup = new_page()
    open_block(setup, workbench.scenario(UNIT, "staff"))
    seed(setup)
    page = new_page(locale=lang)

    def learner(student: str):
        root = open_block(page, workbench.scenario(UNIT, student))
        expect(page.locator(".plchoice-plreflection .plc h2")).to_be_visible()
        return root

    learner("new")
    assert_clean(page, "not-started", screenshot_dir, lang)
    for option in ("write", "record", "build"):
        root = learner(f"c-{option}")
        kinds = root.locator(".plc-kinds input[type=radio]")
        for index in range(kinds.count()):
            kinds.nth(index).check()
            assert_clean(page, f"chosen-{option}-kind{index}", screenshot_dir, lang)
    for student in ("sub", "rev", "pp", "pa", "pr"):
        learner(student)
        assert_clean(page, f"learner-{student}", screenshot_dir, lang)
    root = learner("mas")
    tools = page.locator(".plchoice-plreflection")
    tools.locator(".plc-sec-log button").click()
    expect(tools.get_by_test_id("log")).to_be_visible()
    tools.locator(".plc-sec-profile button").click()
    expect(tools.locator(".plc-sec-profile form")).to_be_visible()
    tools.locator(".plc-sec-my-data .plc-danger").first.click()
    assert_clean(page, "learner-mastered-log-profile-mydata", screenshot_dir, lang)

    root = open_block(page, workbench.scenario(UNIT, "staff"))
    queue = root.locator(".plc-sec-queue")
    queue.locator("select[data-field=status]").select_option("")
    queue.locator("form.plc-filters button[type=submit]").click()
    expect(queue.locator("tbody tr")).to_have_count(9)
    queue.locator(f"tr[data-learner='{anonymous_id_for('sub')}'] button").click()
    expect(root.get_by_test_id("review-panel")).to_be_visible()
    root.locator(".plc-sec-analytics button").first.click()
    expect(root.get_by_test_id("chart-options")).to_be_visible()
    assert_clean(page, "staff-analytics-charts", screenshot_dir, lang)
    for switch in root.locator("[data-testid^=table-switch-]").all():  # the charts' text equivalents
        switch.click()
    expect(root.get_by_test_id("analytics-options")).to_be_visible()
    expect(root.locator(".plc-sec-proposals article")).to_have_count(1)
    staff_reflection = page.locator(".plchoice-plreflection")
    expect(staff_reflection.get_by_test_id("shared-reflections").locator(".plc-shared-entry")).to_have_count(1)
    staff_reflection.locator(".plc-sec-analytics button").first.click()
    expect(staff_reflection.get_by_test_id("analytics-reflections")).to_be_visible()
    assert_clean(page, "staff-queue-review-analytics-proposals", screenshot_dir, lang)
    queue.locator(f"tr[data-learner='{anonymous_id_for('mas')}'] button").click()
    expect(root.get_by_test_id("review-panel").get_by_test_id("shared")).to_be_visible()
    assert_clean(page, "staff-review-mastered-shared", screenshot_dir, lang)
    assert page.errors == [] and setup.errors == []
