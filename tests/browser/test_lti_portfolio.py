"""The portfolio in the LTI home in chromium: a learner launched by the platform prepares their portfolio,
downloads the zip through its signed link and opens the printable conference view in a new tab."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from tests.lti.platform_fixtures import Browser
from xblock_plchoice.core.activity import default_choice_definition

from .lti_fixtures import launch_url
from .pages import choose, rate_all, section, submit
from .test_lti_learning_loop import open_launch

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.browser.lti_fixtures",)


def test_lti_learner_downloads_the_portfolio_and_opens_the_conference_view(servers, new_page, screenshot_dir):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    learner = new_page()
    root = open_launch(learner, launch_url(platform, "learner-1", link["id"]))
    choose(root, "Write an explanation")
    section(root, "evidence").get_by_label("Your written evidence").fill("Chlorophyll captures light.")
    rate_all(root, "Meets")
    submit(root)
    data = section(root, "my-data")
    data.get_by_role("button", name="Prepare my portfolio").click()
    zip_link = data.get_by_role("link", name="Download my portfolio (zip)")
    expect(zip_link).to_be_visible()
    with learner.expect_download() as download:
        zip_link.click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "Chlorophyll captures light." in archive.read("index.html").decode()
    with learner.expect_popup() as popup_info:
        data.get_by_role("link", name="Open the conference view to print").click()
    page = popup_info.value
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Conference view")
    expect(page.locator("body")).to_contain_text("Chlorophyll captures light.")
    page.screenshot(path=str(screenshot_dir / "portfolio-conference-lti.png"), full_page=True)
    assert learner.errors == []
