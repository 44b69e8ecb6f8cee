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
