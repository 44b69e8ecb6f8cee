"""Recording in the browser: chromium's fake microphone records a few seconds of audio, the
learner previews it and uploads it with the progress bar, and it plays back in the attempt.
When recording is impossible (permission denied, or no MediaRecorder) the file upload remains."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .pages import CHOICE_ONLY, choose, open_block, pick_kind, rate_all, section, submit

pytestmark = pytest.mark.browser


def test_record_audio_and_upload_it(workbench, new_page, media_browser):
    page = new_page(target=media_browser)
    page.context.grant_permissions(["microphone", "camera"], origin=workbench.url)
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "rosa"))
    choose(root, "Record a short talk")
    recorder = root.locator(".plc-recorder-audio")
    # The way's first kind (audio) is open; the others wait behind the "how will you hand it in" choice.
    expect(root.locator(".plc-recorder-video")).to_be_hidden()
    expect(recorder).not_to_contain_text("null")  # the audio recorder has no camera preview to append
    recorder.get_by_role("button", name="Start recording").click()
    expect(recorder.get_by_role("button", name="Stop recording")).to_be_focused()
    expect(recorder.locator(".plc-clock")).to_contain_text("Recording")
    page.wait_for_timeout(2500)
    recorder.get_by_role("button", name="Stop recording").click()
    preview = recorder.locator("audio.plc-preview")
    expect(preview).to_be_visible()
    duration_known = page.wait_for_function(
        "el => el.readyState >= 1 || el.error === null", arg=preview.element_handle())
    assert duration_known
    recorder.get_by_role("button", name="Upload this recording").click()
    files = section(root, "evidence").locator(".plc-files a")
    expect(files).to_have_count(1, timeout=30000)
    expect(files.first).to_contain_text("audio-recording-")
    expect(recorder.locator(":scope > .plc-progress .plc-progress-text")).to_have_text("Upload complete.")
    rate_all(root, "Meets")
    submit(root)
    audio = section(root, "attempts").locator("audio")
    expect(audio).to_have_count(1)
    size = page.evaluate("async (url) => (await (await fetch(url)).blob()).size", audio.get_attribute("src"))
    assert size > 1000, size
    assert page.errors == []


def test_denied_microphone_falls_back_to_upload(workbench, new_page):
    page = new_page()
    page.add_init_script("""navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));""")
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "sam"))
    choose(root, "Record a short talk")
    recorder = root.locator(".plc-recorder-audio")
    recorder.get_by_role("button", name="Start recording").click()
    expect(recorder.get_by_test_id("inline-error")).to_contain_text("permission was denied")
    upload = recorder.get_by_label("Upload an audio file")
    expect(upload).to_be_visible()
    upload.set_input_files(files=[{"name": "talk.ogg", "mimeType": "audio/ogg", "buffer": b"OggS" + b"\0" * 4000}])
    expect(section(root, "evidence").locator(".plc-files a", has_text="talk.ogg")).to_be_visible()
    assert page.errors == []


def test_no_media_recorder_offers_upload_only(workbench, new_page):
    page = new_page()
    page.add_init_script("delete window.MediaRecorder;")
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "tao"))
    choose(root, "Record a short talk")
    pick_kind(root, "Record video")
    recorder = root.locator(".plc-recorder-video")
    expect(recorder).to_contain_text("This browser cannot record here.")
    expect(recorder.get_by_role("button", name="Start recording")).to_have_count(0)
    expect(recorder.get_by_label("Upload a video file")).to_be_visible()
    assert page.errors == []
