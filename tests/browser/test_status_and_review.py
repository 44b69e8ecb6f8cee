"""Issue 8, staff view, in chromium on the workbench: status chips (the banner under its own
block's title, one chip per status, each in its own colour with text contrast of 4.5:1 or more,
computed here and checked by axe), and the review panel (shared reflection answers in the
prompts' authored order above the decision, image evidence as thumbnails through the
permission-checked file URL, the previous attempt's feedback on a resubmission, "Review saved"
by the button and then the next learner, a redirect that names the way it suggests)."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from xblock_plchoice.workbench.services import anonymous_id_for

from .pages import (
    CHOICE_ONLY,
    GOOD,
    UNIT,
    block_handlers,
    call,
    choose,
    gap,
    open_block,
    rate_all,
    section,
    seed_submission,
    submit,
    upload_file,
)

pytestmark = pytest.mark.browser

CONTRAST = """() => {
  const parse = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return [...document.querySelectorAll('.plc-badge')].map((el) => {
    const style = getComputedStyle(el);
    const [a, b] = [lum(parse(style.color)), lum(parse(style.backgroundColor))].sort((x, y) => y - x);
    const status = [...el.classList].find((c) => c.startsWith('plc-badge-')).slice(10);
    return {status, color: style.color, background: style.backgroundColor, ratio: (a + 0.05) / (b + 0.05)};
  });
}"""


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_status_chips_each_in_its_colour_with_enough_contrast(workbench, new_page):
    staff = new_page()
    open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    handlers = block_handlers(staff)
    seed_submission(staff, handlers, "s1", "Submitted work")
    seed_submission(staff, handlers, "s2", "To revise")
    seed_submission(staff, handlers, "s3", "Mastered work")
    call(staff, handlers, "choose", "s4", {"option_id": "write"})
    call(staff, handlers, "propose", "s5", {"title": "A song", "plan": "Verses"})
    for learner, decision in (("s2", "revise"), ("s3", "mastered")):
        call(staff, handlers, "review", "staff", {"learner_id": anonymous_id_for(learner), "attempt": 1,
                                                  "ratings": GOOD, "feedback": "Say more.", "decision": decision})
    staff.reload()
    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    chips = root.get_by_label("Learners by status")
    expect(chips.locator(".plc-badge")).to_have_count(5)
    expect(chips).to_contain_text("Proposal waiting for approval: 1")
    expect(chips.locator("li", has_text="Proposal")).to_have_count(1)  # no second "Proposals waiting" chip
    measured = staff.evaluate(CONTRAST)
    header = [m for m in measured if m["status"] in {"chosen", "proposal_pending", "submitted", "revise", "mastered"}]
    colours = {(m["status"], m["color"], m["background"]) for m in header}
    assert len({(c, b) for _, c, b in colours}) == len({s for s, _, _ in colours}) == 5, colours
    assert all(m["ratio"] >= 4.5 for m in measured), measured
    results = Axe().run(staff, context={"include": [[".plchoice-xblock"]]},
                        options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    assert results.violations_count == 0, results.response["violations"]

    learner = new_page()
    lroot = open_block(learner, workbench.scenario(CHOICE_ONLY, "s2"))
    expect(lroot.get_by_test_id("status-banner")).to_have_text("Status: Revision requested")
    ratio = learner.evaluate(CONTRAST)[0]
    assert ratio["status"] == "revise" and ratio["ratio"] >= 4.5, ratio

    # In a unit with both blocks the banner sits inside the choice block, right under its own title.
    lroot = open_block(learner, workbench.scenario(UNIT, "s2"))
    banner = lroot.get_by_test_id("status-banner")
    expect(banner).to_have_text("Status: Not started")
    expect(learner.locator("[data-testid=status-banner]")).to_have_count(1)
    expect(learner.locator(".plchoice-plreflection [data-testid=status-banner]")).to_have_count(0)
    title = lroot.locator("h2.plc-title")
    assert 0 <= banner.bounding_box()["y"] - (title.bounding_box()["y"] + title.bounding_box()["height"]) < 40
    assert staff.errors == [] and learner.errors == []


def test_review_panel_order_thumbnails_previous_feedback_and_next_learner(workbench, new_page):
    learner = new_page()
    root = open_block(learner, workbench.scenario(CHOICE_ONLY, "amy"))
    handlers = block_handlers(learner)
    # Answers sent in the opposite of the authored order (goal, plan, confidence).
    call(learner, handlers, "reflect", "amy", {"phase": "before", "share_with_staff": True,
                                              "answers": {"confidence": "Quite sure", "plan": "Sketch first",
                                                          "goal": "Explain the light reactions"}})
    learner.reload()
    root = open_block(learner, workbench.scenario(CHOICE_ONLY, "amy"))
    choose(root, "Build a model or infographic")
    upload_file(learner, root, "leaf.png", png(40, 30, (30, 140, 60)), "image/png")
    rate_all(root, "Meets")
    submit(root)
    seed_submission(learner, handlers, "ben", "Ben's explanation")

    staff = new_page()
    sroot = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    amy = anonymous_id_for("amy")
    section(sroot, "queue").locator(f"tr[data-learner='{amy}'] button").click()
    panel = sroot.get_by_test_id("review-panel")
    expect(panel).to_have_attribute("data-learner", amy)
    thumb = panel.get_by_test_id("thumbnail")
    expect(thumb).to_have_attribute("alt", "leaf.png")
    staff.wait_for_function("img => img.complete && img.naturalWidth === 40", arg=thumb.element_handle())
    shared = panel.get_by_test_id("shared")
    expect(shared.locator("dd")).to_have_text(["Explain the light reactions", "Sketch first", "Quite sure"])
    decision = panel.get_by_role("group", name="Decision")
    assert shared.bounding_box()["y"] < decision.bounding_box()["y"]  # above the decision, not below Save

    form = panel.locator(".plc-review-form")
    for fieldset in form.locator("fieldset[data-criterion]").all():
        fieldset.get_by_role("radio", name="Not yet").check()
    form.get_by_label("Feedback for the learner").fill("Label the chloroplast.")
    form.get_by_role("radio", name="Revise and resubmit").check()
    save = form.get_by_role("button", name="Save review")
    save.click()
    saved = panel.get_by_test_id("inline-ok")
    expect(saved).to_have_text("Review saved.")
    assert gap(saved, save) < 100
    # Then the next learner waiting for review opens by itself.
    nxt = sroot.get_by_test_id("review-panel")
    expect(nxt).to_have_attribute("data-learner", anonymous_id_for("ben"))
    expect(nxt.get_by_test_id("inline-ok")).to_contain_text("saved. Next:")
    expect(nxt.locator("h4").first).to_be_focused()

    # Amy resubmits; her panel now shows what the reviewer said about attempt 1.
    call(learner, handlers, "self_assess", "amy", {"ratings": GOOD, "comment": ""})
    call(learner, handlers, "submit", "amy", {"text": "Now labelled.", "links": [], "file_ids": []})
    staff.reload()
    sroot = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    section(sroot, "queue").locator(f"tr[data-learner='{amy}'] button").click()
    previous = sroot.get_by_test_id("previous-review")
    expect(previous).to_contain_text("Your feedback on attempt 1")
    expect(previous).to_contain_text("Label the chloroplast.")
    expect(previous.locator("table.plc-ratings tbody tr").first).to_contain_text("Not yet")
    assert previous.bounding_box()["y"] < sroot.get_by_role("group", name="Decision").bounding_box()["y"]
    assert learner.errors == [] and staff.errors == []


def test_redirect_names_the_suggested_way(workbench, new_page):
    learner = new_page()
    open_block(learner, workbench.scenario(CHOICE_ONLY, "cy"))
    call(learner, block_handlers(learner), "propose", "cy", {"title": "A dance", "plan": "Show the cycle"})
    staff = new_page()
    sroot = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    card = section(sroot, "proposals").locator("article")
    card.get_by_label("Note to the learner").fill("A talk would show your explanation best.")
    card.get_by_label("Suggest an offered way (when you redirect)").select_option(label="Record a short talk")
    card.get_by_role("button", name="Redirect to an offered way").click()
    confirmation = section(sroot, "proposals").get_by_test_id("inline-ok")
    expect(confirmation).to_have_text("Proposal redirected.")
    learner.reload()
    root = open_block(learner, workbench.scenario(CHOICE_ONLY, "cy"))
    # The way's title is bidi-isolated (FSI ... PDI) inside the translated sentence.
    expect(root.get_by_test_id("proposal")).to_contain_text(
        re.compile("Staff suggest a different way: \u2068Record a short talk\u2069\\. Choose it below"))
    assert learner.errors == [] and staff.errors == []
