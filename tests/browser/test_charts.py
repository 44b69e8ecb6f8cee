"""The staff charts (options, calibration, equity lens), the review panel's per-learner calibration and
the learner's "How my judgement compares", in chromium, in English and Arabic, in both homes.

The workbench run seeds 22 learners through the block's own handlers (two options, one clearly
weaker), so the equity lens has a finding to state; the LTI run has one learner and one review, so
the lens must say that the data cannot show a difference. Each chart is checked with axe, reached
with the keyboard, swapped for its table, and read for stray ``null``/``undefined``/``NaN``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from tests.lti.platform_fixtures import Browser
from xblock_plchoice.core.activity import default_choice_definition
from xblock_plchoice.workbench.services import anonymous_id_for

from .lti_fixtures import launch_url
from .pages import CHOICE_ONLY, open_block, section
from .test_lti_learning_loop import open_launch

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.browser.lti_fixtures",)

SHOTS = Path("/tmp/charts")
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
CHARTS = ("options", "calibration", "equity")
STRAY = re.compile(r"\b(null|undefined|NaN)\b|\[object Object\]")

SEED = """async ({handlers, learners}) => {
  const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrftoken=')).split('=')[1];
  const post = async (name, student, body) => {
    const u = new URL(handlers[name], location.href);
    u.searchParams.set('student', student);
    const r = await fetch(u, {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                              body: JSON.stringify(body)});
    if (!r.ok) throw new Error(`${name} ${r.status} ${await r.text()}`);
  };
  for (const l of learners) {
    await post('choose', l.student, {option_id: l.option});
    for (let i = 0; i < l.decisions.length; i += 1) {
      const evidence = {text: `Evidence ${l.student} ${i}`, links: [], file_ids: []};
      await post('self_assess', l.student, {ratings: l.self, comment: ''});
      await post('submit', l.student, evidence);
      if (!l.decisions[i]) continue;  // left waiting in the review queue
      await post('review', 'staff', {learner_id: l.id, attempt: i + 1, ratings: l.staff, feedback: 'Look again',
                                     decision: l.decisions[i]});
    }
  }
}"""


def learners() -> list[dict]:
    meets = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}
    proud = {**meets, "evidence": "exceeds"}
    out = []
    for i in range(10):  # the fewest learners per option at which the equity lens may speak
        out.append({"student": f"w{i:02d}", "option": "write", "self": proud, "staff": meets,
                    "decisions": ["mastered"]})
        out.append({"student": f"b{i:02d}", "option": "build", "self": meets, "staff": meets,
                    "decisions": ["mastered" if i == 0 else "revise"]})
    out.append({"student": "amal", "option": "write", "self": proud, "staff": meets,
                "decisions": ["revise", "mastered"]})
    out.append({"student": "zaid", "option": "write", "self": meets, "staff": meets, "decisions": ["revise", None]})
    for learner in out:
        learner["id"] = anonymous_id_for(learner["student"])
    return out


def axe_clean(page: Page, what: str, include: str) -> None:
    results = Axe().run(page, context={"include": [[include]]}, options=AXE_OPTIONS)
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert results.violations_count == 0, f"{what}: {summary}"
    assert results.response["passes"], f"{what}: axe checked nothing"


def no_stray_text(root: Locator) -> None:
    text = root.inner_text()
    assert not STRAY.search(text), STRAY.search(text).group(0)
    assert not STRAY.search(root.evaluate("el => el.textContent"))


def tab_to_chart(page: Page, key: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.dataset.testid") == f"chart-{key}":
            return
    raise AssertionError(f"the {key} chart was never reached with Tab")


def check_charts(page: Page, root: Locator, lang: str, home: str, include: str) -> None:
    """Open analytics; every chart is visible, described, keyboard reachable, mirrored in RTL, axe-clean."""
    section(root, "analytics").locator("button").first.click()
    for key in CHARTS:
        figure = root.get_by_test_id(f"chart-{key}")
        expect(figure).to_be_visible()
        expect(figure.locator("figcaption")).not_to_be_empty()
        summary_id = figure.get_attribute("aria-describedby")
        expect(root.locator(f"[id='{summary_id}'] li").first).not_to_be_empty()
    rtl = lang == "ar"
    expect(root).to_have_attribute("dir", "rtl" if rtl else "ltr")
    # Labels sit on the reading side: their anchor point is right of the bars in Arabic, left in English.
    label_x, bar_x = root.get_by_test_id("chart-options").evaluate(
        "f => [Number(f.querySelector('text').getAttribute('x')), Number(f.querySelector('rect').getAttribute('x'))]")
    assert (label_x > bar_x) if rtl else (label_x < bar_x), (label_x, bar_x)
    no_stray_text(root)
    root.screenshot(path=str(SHOTS / f"{home}-charts-{lang}.png"))
    axe_clean(page, f"{home} {lang} charts", include)

    page.locator("body").click(position={"x": 1, "y": 1})
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for key in CHARTS:
        tab_to_chart(page, key)

    switch = root.get_by_test_id("table-switch-options")
    switch.focus()
    page.keyboard.press("Enter")
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(root.get_by_test_id("chart-options")).to_be_hidden()
    expect(root.get_by_test_id("analytics-options")).to_be_visible()
    for key, table in (("calibration", "analytics-criteria"), ("equity", "analytics-equity")):
        root.get_by_test_id(f"table-switch-{key}").click()
        expect(root.get_by_test_id(table)).to_be_visible()
    no_stray_text(root)
    root.screenshot(path=str(SHOTS / f"{home}-tables-{lang}.png"))
    axe_clean(page, f"{home} {lang} tables", include)
    switch.click()
    expect(root.get_by_test_id("chart-options")).to_be_visible()
    expect(root.get_by_test_id("analytics-options")).to_be_hidden()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_workbench_charts_equity_finding_and_calibration(workbench, new_page, lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    staff = new_page(locale=lang)
    open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    args = [json.loads(text) for text in staff.locator("script.xblock_json_init_args").all_text_contents()]
    handlers = next(a for a in args if a.get("block_type") == "plchoice")["handlers"]
    staff.evaluate(SEED, {"handlers": handlers, "learners": learners()})
    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    include = ".plchoice-xblock"

    check_charts(staff, root, lang, "workbench", include)
    findings = root.get_by_test_id("equity-findings")
    if lang == "en":
        expect(findings).to_have_text("Learners who chose Build a model or infographic reached mastery less often "
                                      "than those who chose Write an explanation; check its guidance.")
        expect(root.get_by_test_id("chart-calibration")).to_contain_text(
            "Uses evidence: mean gap +0.52 over 23 pairs (self higher 12, same 11, self lower 0)")
    else:
        expect(findings.locator("li")).to_have_count(1)
        expect(findings).to_contain_text("Build a model or infographic")
        assert "reached mastery" not in findings.inner_text()

    # The review panel shows this learner's calibration over their attempts.
    section(root, "queue").locator("[data-testid=queue] tbody button").first.click()
    calibration = root.get_by_test_id("review-calibration")
    expect(calibration).to_be_visible()
    calibration.locator("summary").click()
    expect(calibration.locator("li").first).to_be_visible()
    no_stray_text(root)
    root.screenshot(path=str(SHOTS / f"workbench-review-calibration-{lang}.png"))
    axe_clean(staff, f"workbench {lang} review panel with calibration", include)

    # The learner's own "how my judgement compares", in the learning log.
    learner = new_page(locale=lang)
    mine = open_block(learner, workbench.scenario(CHOICE_ONLY, "amal"))
    section(mine, "log").locator("button").first.click()
    judgement = mine.get_by_test_id("judgement")
    expect(judgement).to_be_visible()
    if lang == "en":
        expect(judgement.locator(".plc-judgement-headline")).to_have_text(
            "You rated yourself higher than the reviewer on “Uses evidence” in 2 of 2 attempts.")
    else:
        expect(judgement.locator(".plc-judgement-headline")).to_contain_text("Uses evidence")
        assert "You rated" not in judgement.inner_text()
    expect(judgement.locator("tbody tr")).to_have_count(3)
    no_stray_text(mine)
    mine.screenshot(path=str(SHOTS / f"workbench-judgement-{lang}.png"))
    axe_clean(learner, f"workbench {lang} learning log with judgement", include)
    assert staff.errors == [] and learner.errors == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_lti_charts_say_nothing_the_data_cannot_show(servers, new_page, lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    learner = new_page(locale="en")
    root = open_launch(learner, launch_url(platform, "learner-2", link["id"], locale=lang))
    choose_section = section(root, "choose")
    choose_section.get_by_role("radio").first.check()
    choose_section.locator("form button[type=submit]").first.click()
    section(root, "evidence").locator("textarea").first.fill("Chlorophyll captures light.")
    for fieldset in root.locator(".plc-self-assess fieldset[data-criterion]").all():
        fieldset.get_by_role("radio").nth(2).check()  # exceeds, everywhere
    section(root, "evidence").locator("button[type=submit]").click()
    expect(section(root, "attempts")).to_be_visible()

    staff = new_page(locale="en")
    root = open_launch(staff, launch_url(platform, "instructor-1", link["id"], locale=lang))
    section(root, "queue").locator("[data-testid=queue] tbody button").first.click()
    form = root.get_by_test_id("review-panel").locator(".plc-review-form")
    for fieldset in form.locator("fieldset[data-criterion]").all():
        fieldset.get_by_role("radio").nth(1).check()  # meets
    form.locator("textarea[data-field=feedback]").fill("Add a labelled diagram.")
    form.locator("input[data-field=decision]").nth(1).check()  # revise
    form.locator("button[type=submit]").click()
    expect(root.get_by_test_id("review-panel")).to_have_count(0)

    check_charts(staff, root, lang, "lti", "#plchoice-root")
    findings = root.get_by_test_id("equity-findings")
    expect(findings.locator("li")).to_have_count(0)
    if lang == "en":
        expect(findings).to_contain_text("No difference between options that the data can show.")

    root = open_launch(learner, launch_url(platform, "learner-2", link["id"], locale=lang))
    section(root, "log").locator("button").first.click()
    judgement = root.get_by_test_id("judgement")
    expect(judgement.locator("tbody tr")).to_have_count(3)
    if lang == "en":
        expect(judgement.locator(".plc-judgement-headline")).to_have_text(
            "You rated yourself higher than the reviewer on “Accurate science” in 1 of 1 attempts.")
    no_stray_text(root)
    learner.screenshot(path=str(SHOTS / f"lti-judgement-{lang}.png"), full_page=True)
    axe_clean(learner, f"lti {lang} learning log with judgement", "#plchoice-root")
    assert staff.errors == [] and learner.errors == []
