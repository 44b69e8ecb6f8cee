"""The whole loop in chromium in the LTI home, launched by a real platform over HTTP.

Every page is reached the way an LMS user reaches it: the platform's launch start, the tool's
OIDC login, the platform's authorization endpoint and its self-posting id_token form. The
learner chooses, writes, uploads (progress shown), self-assesses and submits; the instructor's
launch opens the staff view, the queue shows the work, a revision is asked for; the learner
resubmits; the instructor marks it mastered. The platform's gradebook must hold the AGS scores.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.lti.platform_fixtures import Browser, platform_state, wait_for
from xblock_plchoice.core.activity import default_choice_definition

from .lti_fixtures import launch_url
from .pages import choose, rate_all, review_first, section, submit, upload_with_visible_progress

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.browser.lti_fixtures",)  # servers, blocked_cookies_context




def open_launch(page: Page, url: str) -> Locator:
    """Launch through the platform and wait for the mounted front end."""
    page.goto(url)
    root = page.locator("#plchoice-root .plc")
    expect(root.locator("h2").first).to_be_visible()
    return root


def test_learner_and_instructor_loop_through_lti_launches(servers, new_page):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    learner_url = launch_url(platform, "learner-1", link["id"])
    staff_url = launch_url(platform, "instructor-1", link["id"])

    learner = new_page()
    root = open_launch(learner, learner_url)
    assert learner.url == tool.url + "/lti/launch"
    expect(root).to_have_class("plc plc-view-learner")
    expect(root.locator("h2").first).to_have_text("Show what you know: photosynthesis")
    choose(root, "Write an explanation")
    evidence = section(root, "evidence")
    evidence.get_by_label("Your written evidence").fill("Plants capture light in chlorophyll.")

    # The progress bar has to move through intermediate values on a slow upload.
    values = upload_with_visible_progress(learner, root, "notes.txt", b"chlorophyll absorbs light\n" * 12000)
    assert values and values[-1] == 100, values
    assert any(0 < v < 100 for v in values), f"no intermediate progress: {values}"
    expect(evidence.locator(".plc-uploader-file .plc-progress-text")).to_have_text("Upload complete.")

    rate_all(root, "Meets")
    submit(root)
    expect(root.locator(".plc-badge")).to_contain_text("Submitted for review")
    expect(section(root, "attempts").locator(".plc-files a", has_text="notes.txt")).to_be_visible()
    download = section(root, "attempts").locator(".plc-files a", has_text="notes.txt").get_attribute("href")
    assert download.startswith(tool.url + "/api/files/") and "sig=" in download

    staff = new_page()
    staff_root = open_launch(staff, staff_url)
    expect(staff_root).to_have_class("plc plc-view-staff")
    queue = section(staff_root, "queue").get_by_test_id("queue")
    expect(queue).to_contain_text("Lin Learner")
    expect(queue).to_contain_text("Write an explanation")
    review_first(staff_root, "Not yet", "Add a labelled diagram of the chloroplast.", "Revise and resubmit")

    root = open_launch(learner, learner_url)  # the learner comes back through the LMS: a new launch
    expect(root.locator(".plc-badge")).to_contain_text("Revision requested")
    # The reviewer's feedback first, then the revise form; no "0 of 10" while revising.
    latest = root.get_by_test_id("latest-feedback")
    expect(latest).to_contain_text("Add a labelled diagram of the chloroplast.")
    assert latest.bounding_box()["y"] < section(root, "evidence").bounding_box()["y"]
    expect(root.get_by_test_id("score")).to_have_count(0)
    section(root, "evidence").get_by_role("radio", name="Write", exact=True).check()
    section(root, "evidence").get_by_label("Your written evidence").fill("Plants capture light; see my diagram.")
    rate_all(root, "Exceeds")
    submit(root)
    expect(section(root, "attempts").locator("article.plc-attempt")).to_have_count(2)

    staff_root = open_launch(staff, staff_url)
    review_first(staff_root, "Meets", "Clear and accurate. Well done.", "Mastered")
    staff_root = open_launch(staff, staff_url)
    expect(staff_root.locator(".plc-header")).to_contain_text("Mastered: 1")

    root = open_launch(learner, learner_url)
    expect(root.locator(".plc-badge")).to_contain_text("Mastered")
    expect(root.get_by_test_id("score")).to_have_text("Score: 10 of 10")
    # One block per page in the tool: it owns the learning log, the profile and "My data".
    for key in ("log", "profile", "my-data"):
        expect(root.locator(f".plc-sec-{key}")).to_have_count(1)
    assert learner.errors == [] and staff.errors == []

    # The platform's own gradebook, read over HTTP: what arrived, not what the tool meant to send.
    def four_scores():
        scores = [s for s in platform_state(platform)["scores"] if s["userId"] == "learner-1"]
        return scores if len(scores) >= 4 else None

    scores = wait_for(four_scores, timeout=30, message="four AGS scores at the platform")
    assert [(s["activityProgress"], s["gradingProgress"]) for s in scores] == [
        ("Submitted", "PendingManual"), ("InProgress", "NotReady"),
        ("Submitted", "PendingManual"), ("Completed", "FullyGraded")]
    assert scores[1]["comment"] == "Add a labelled diagram of the chloroplast."
    assert (scores[3]["scoreGiven"], scores[3]["scoreMaximum"]) == (10, 10)
    assert scores[3]["comment"] == "Clear and accurate. Well done."
    assert len(platform_state(platform)["scores"]) == 4
