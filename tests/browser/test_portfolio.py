"""The portfolio end to end in chromium: a learner's work and feedback, the "Prepare my portfolio" links,
the downloaded zip unpacked and its index.html and conference.html opened from disk with JavaScript
off (no server, no script), in English and Arabic, with screenshots."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from .pages import CHOICE_ONLY, choose, open_block, rate_all, review_latest, save_reflection, section, submit
from .test_accessibility import check

pytestmark = pytest.mark.browser
HOSTILE = "<script>alert('x')</script>"


def _work(page, workbench, student: str) -> None:
    root = open_block(page, workbench.scenario(CHOICE_ONLY, student))
    save_reflection(root, "before", [f"Explain photosynthesis {HOSTILE}", "Read, then draw", "Fairly sure"])
    choose(root, "Write an explanation")
    section(root, "evidence").get_by_label("Your written evidence").fill("Plants capture light in chlorophyll.")
    section(root, "evidence").locator(".plc-uploader-file input[type=file]").set_input_files(
        files=[{"name": "../../notes<b>.txt", "mimeType": "text/plain", "buffer": b"light + water\n"}])
    expect(section(root, "evidence").locator(".plc-files a")).to_have_count(1)
    rate_all(root, "Meets")
    submit(root)


def _prepare(page, root):
    data = section(root, "my-data")
    data.get_by_role("button", name="Prepare my portfolio").click()
    return data


def _open_offline(browser, path, shots, name: str, print_media: bool = False):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1000, "height": 900})
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(path.as_uri())
    if print_media:
        page.emulate_media(media="print")
    page.screenshot(path=str(shots / name), full_page=True)
    text = page.locator("body").inner_text()
    context.close()
    assert not [m for m in messages if "Content Security Policy" in m], messages
    for bad in ("null", "undefined", "NaN", "[object Object]"):
        assert bad not in text, bad
    return text


def test_learner_downloads_a_portfolio_that_reads_offline(workbench, new_page, browser, tmp_path, screenshot_dir):
    learner = new_page()
    _work(learner, workbench, "pia")
    staff = new_page()
    review_latest(staff, workbench.scenario(CHOICE_ONLY, "staff"), "Meets", "Clear and accurate; well done.",
                  "Mastered")
    learner.reload()
    root = open_block(learner, workbench.scenario(CHOICE_ONLY, "pia"))
    save_reflection(root, "after", ["Drawing it first", "Ask about chlorophyll next time"])
    data = _prepare(learner, root)
    download_link = data.get_by_role("link", name="Download my portfolio (zip)")
    expect(download_link).to_be_focused()
    data.screenshot(path=str(screenshot_dir / "portfolio-my-data-en.png"))
    check(learner, "my data with portfolio links (en)")
    with learner.expect_download() as download:
        download_link.click()
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
        assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)
        archive.extractall(folder)
    assert any(n.startswith("files/") and n.endswith("notes_b_.txt") for n in names), names

    index = _open_offline(browser, folder / "index.html", screenshot_dir, "portfolio-index-en.png")
    assert f"Explain photosynthesis {HOSTILE}" in index  # the script is shown as text, never run
    assert "Clear and accurate; well done." in index and "Mastered" in index
    conference = _open_offline(browser, folder / "conference.html", screenshot_dir, "portfolio-conference-print.png",
                               print_media=True)
    for heading in ("What I chose", "What I made", "What I learned", "What next"):
        assert heading in conference
    assert "Ask about chlorophyll next time" in conference

    # the evidence link opens the stored file, relative to the unzipped folder
    offline = browser.new_context(java_script_enabled=False)
    page = offline.new_page()
    page.goto((folder / "index.html").as_uri())
    href = page.locator("a", has_text="notes").first.get_attribute("href")
    assert href.startswith("files/") and (folder / href).read_bytes() == b"light + water\n"
    offline.close()
    assert learner.errors == [] and staff.errors == []


def test_the_conference_view_opens_from_the_front_end_in_arabic(workbench, new_page, screenshot_dir):
    learner = new_page("ar")
    root = open_block(learner, workbench.scenario(CHOICE_ONLY, "rami"))
    save_reflection(root, "before", ["هدفي", "خطتي", "واثق"])
    data = section(root, "my-data")
    data.locator(".plc-portfolio button").click()
    links = data.locator(".plc-portfolio a")
    expect(links).to_have_count(2)
    data.screenshot(path=str(screenshot_dir / "portfolio-my-data-ar.png"))
    check(learner, "my data with portfolio links (ar)")
    with learner.expect_popup() as popup_info:
        links.nth(1).click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.locator("html").get_attribute("dir") == "rtl"
    assert popup.locator("h1").inner_text() == "عرض اللقاء" and popup.locator("nav").count() == 0
    popup.screenshot(path=str(screenshot_dir / "portfolio-conference-ar.png"), full_page=True)
    assert learner.errors == []
