"""What a grader and a learner do with issue 9's dialogue, written once for both homes' browser tests.

Locators go through roles and accessible names, so a test also fails when a control loses its label.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from .pages import section

SHOTS = Path("/tmp/feedback-ui")
BAD_TEXT = re.compile(r"\b(null|undefined|NaN)\b|\[object Object\]")


def open_review(root: Locator, learner_name: str) -> Locator:
    """Open the review panel for one learner from the queue; return the panel."""
    queue = section(root, "queue")
    queue.get_by_role("button", name=f"Review the work of {learner_name}").click()
    panel = root.get_by_test_id("review-panel")
    expect(panel).to_be_visible()
    return panel


def queue_row(root: Locator, learner_name: str) -> Locator:
    return section(root, "queue").locator("[data-testid=queue] tbody tr", has_text=learner_name)


def claim(panel: Locator, learner_name: str) -> None:
    panel.get_by_test_id("claim").get_by_role("button", name=f"Claim {learner_name}").click()
    expect(panel.get_by_test_id("claim")).to_contain_text("You have claimed this learner")


def fill_review(panel: Locator, level: str, feedback: str, decision: str) -> Locator:
    form = panel.locator(".plc-review-form")
    for fieldset in form.locator("fieldset[data-criterion]").all():
        fieldset.get_by_role("radio", name=level, exact=True).check()
    form.get_by_label("Feedback for the learner").fill(feedback)
    form.get_by_role("radio", name=decision).check()
    return form


def record_audio_feedback(page: Page, panel: Locator, seconds: float = 2.5) -> None:
    """Record with chromium's fake microphone and attach it to the review."""
    media = panel.get_by_test_id("media-feedback")
    recorder = media.locator(".plc-recorder-audio")
    recorder.get_by_role("button", name="Start recording").click()
    expect(recorder.get_by_role("button", name="Stop recording")).to_be_focused()
    page.wait_for_timeout(int(seconds * 1000))
    recorder.get_by_role("button", name="Stop recording").click()
    recorder.get_by_role("button", name="Upload this recording").click()
    expect(media.locator(":scope > ul.plc-files li")).to_have_count(1, timeout=30000)
    expect(media.locator(":scope > ul.plc-files a").first).to_contain_text("audio-recording-")


def save_review(panel: Locator) -> None:
    panel.locator(".plc-review-form button[type=submit]").click()


def reply(thread: Locator, text: str) -> None:
    thread.locator("textarea").fill(text)
    thread.locator("form.plc-reply button[type=submit]").click()  # any language


def media_size(page: Page, media: Locator) -> int:
    """Bytes the browser fetches from a player's src (proves the learner may open the recording)."""
    return page.evaluate("async (url) => (await (await fetch(url)).blob()).size", media.get_attribute("src"))


def assert_clean_text(root: Locator) -> None:
    """No view shows null, undefined, NaN or [object Object]."""
    text = root.inner_text()
    found = BAD_TEXT.search(text)
    assert found is None, f"{found.group(0)!r} shown near: {text[max(0, found.start() - 80):found.end() + 80]!r}"


def shot(locator: Locator, name: str) -> None:
    """A screenshot to look at, under /tmp/feedback-ui/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SHOTS / f"{name}.png"))


def submit_in_any_language(root: Locator, text: str) -> None:
    """Choose the first option, write, rate every criterion the middle level and submit (no English labels)."""
    sec = section(root, "choose")
    sec.get_by_role("radio").first.check()
    sec.locator("form button[type=submit]").first.click()
    section(root, "evidence").locator("textarea").first.fill(text)
    for fieldset in root.locator(".plc-self-assess fieldset[data-criterion]").all():
        fieldset.get_by_role("radio").nth(1).check()
    section(root, "evidence").locator("button[type=submit]").click()
    expect(section(root, "attempts")).to_be_visible()


def open_every_feedback_part(root: Locator) -> Locator:
    """As staff in any language: open the first learner, claim, type a comment, reply, open the video
    recorder and the comment bank, so every part of issue 9's staff UI is on the page; return the panel."""
    section(root, "queue").locator("[data-testid=queue] tbody button").first.click()
    panel = root.get_by_test_id("review-panel")
    panel.get_by_test_id("claim").get_by_role("button").click()
    expect(panel.get_by_test_id("claim").get_by_role("button")).to_have_count(1)
    panel.locator(".plc-review-form textarea").first.fill("Un comentario / تعليق")
    panel.locator(".plc-media-video summary").click()
    reply(panel.get_by_test_id("thread"), "Mensaje / رسالة")
    expect(panel.get_by_test_id("thread").locator(".plc-message")).to_have_count(1)
    root.get_by_test_id("comment-bank").get_by_role("button").first.click()
    expect(root.get_by_test_id("comment-bank").locator(".plc-bank-list > *")).to_have_count(1)
    return panel


COMMENT = "Name the pigment: chlorophyll a."
LEARNER_REPLY = "Thank you, I will name chlorophyll a."


def review_with_comment_and_audio(page: Page, root: Locator, panel: Locator) -> Locator:
    """Comment on the first criterion, save the comment to the bank, record audio, ask for a revision."""
    form = panel.locator(".plc-review-form")
    form.get_by_label("Comment on Accurate science (optional)").fill(COMMENT)
    form.get_by_role("button", name="Save the comment on Accurate science to the comment bank").click()
    expect(root.locator(".plc-status")).to_have_text("Saved to the comment bank.")
    record_audio_feedback(page, panel)
    fill_review(panel, "Not yet", "Good start; see my comments.", "Revise and resubmit")
    return form


def read_feedback_and_reply(page: Page, root: Locator) -> Locator:
    """As the learner: the comment beside the rating, the recording plays (its bytes load), then a reply."""
    attempts = section(root, "attempts")
    expect(attempts.locator("td[data-comment=accuracy]")).to_have_text(COMMENT)
    audio = attempts.get_by_test_id("feedback").locator("audio")
    expect(audio).to_have_count(1)
    assert media_size(page, audio) > 1000
    thread = attempts.get_by_test_id("thread").first
    expect(thread).to_contain_text("No messages yet.")
    reply(thread, LEARNER_REPLY)
    thread = section(root, "attempts").get_by_test_id("thread").first
    expect(thread.locator(".plc-message")).to_have_count(1)
    expect(thread.locator(".plc-message")).to_contain_text(LEARNER_REPLY)
    expect(thread.locator("textarea")).to_have_value("")
    expect(root.locator(".plc-badge")).to_contain_text("Revision requested")  # a reply changes no status
    return thread
