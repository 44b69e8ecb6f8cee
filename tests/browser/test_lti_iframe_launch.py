"""Launches inside a cross-site iframe: the course page is on http://localhost:P1 (the platform),
the tool on http://127.0.0.1:P2, another site for cookies. The tool runs with its production
cookies (``SameSite=None; Secure; Partitioned``; chromium treats loopback http as secure).

* Third-party cookies blocked, partitioned ones too: the launch still completes through LTI
  Platform Storage (the login page puts state and nonce into the platform's frame, the launch
  page reads them back), and the learner's /api calls work.
* Cookies allowed (chromium's default keeps partitioned cookies): the partitioned state cookie
  proves the launch, with no platform storage at all, or when the platform never answers.
* Neither: a clear 4xx page, never a 5xx.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import FrameLocator, Page, Request, expect

from .lti_fixtures import add_activity, course_url, launch_bindings
from .pages import choose

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.browser.lti_fixtures",)  # servers, blocked_cookies_context

STATE_COOKIE = "lti1p3-s1."  # the signed OIDC state (lti_tool/lti/oidc_state.py) names the cookie
SESSION_COOKIE = "plchoice_session"


def record_tool_requests(page: Page, tool_url: str) -> list[Request]:
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request) if request.url.startswith(tool_url) else None)
    return seen


def cookie_header(request: Request) -> str:
    return request.all_headers().get("cookie", "")


def launches(requests: list[Request], tool_url: str) -> list[Request]:
    return [r for r in requests if r.method == "POST" and r.url == tool_url + "/lti/launch"]


def open_in_frame(page: Page, url: str, timeout: float = 20000) -> FrameLocator:
    page.goto(url)
    frame = page.frame_locator("#tool")
    expect(frame.locator("#plchoice-root .plc h2").first).to_be_visible(timeout=timeout)
    return frame


def cross_site(servers):
    platform, tool = servers(platform_host="localhost", cookie_secure=True)
    assert urlsplit(platform.url).hostname == "localhost" and urlsplit(tool.url).hostname == "127.0.0.1"
    return platform, tool, add_activity(platform, tool)


def test_blocked_cookies_launch_completes_through_platform_storage(servers, blocked_cookies_context,
                                                                   screenshot_dir):
    platform, tool, link = cross_site(servers)
    context = blocked_cookies_context(tool.url, platform.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    seen = record_tool_requests(page, tool.url)

    frame = open_in_frame(page, course_url(platform, "learner-1", link["id"], storage_target="_parent"))
    root = frame.locator("#plchoice-root .plc")
    expect(root).to_have_class("plc plc-view-learner")
    page.screenshot(path=str(screenshot_dir / "lti-iframe-blocked-cookies-course.png"))
    choose(root, "Write an explanation")  # a state-changing /api call from inside the frame
    expect(root.locator(".plc-badge")).to_contain_text("Working on it")
    page.locator("#tool").screenshot(path=str(screenshot_dir / "lti-iframe-blocked-cookies-chosen.png"))

    # The tool did set its state cookie (SameSite=None; Secure; Partitioned), and it never came back.
    login = next(r for r in seen if r.url.startswith(tool.url + "/lti/login"))
    set_cookies = login.response().all_headers().get("set-cookie", "").split("\n")
    assert any(STATE_COOKIE in header and "Partitioned" in header and "SameSite=None" in header
               and "Secure" in header for header in set_cookies), set_cookies
    assert [c for c in context.cookies() if c["domain"] == "127.0.0.1"] == []
    assert seen and all(cookie_header(r) == "" for r in seen), [(r.url, cookie_header(r)) for r in seen]

    # So the tool asked platform storage: first post found no cookie, the second brought the values.
    posts = launches(seen, tool.url)
    assert len(posts) == 2
    assert "platform_state" not in (posts[0].post_data or "")
    assert "platform_state=s1." in (posts[1].post_data or "")  # the signed state, read back from storage
    assert launch_bindings(tool) == [False]
    api = [r for r in seen if r.url.startswith(tool.url + "/api/")]
    assert {urlsplit(r.url).path for r in api} >= {"/api/state", "/api/choose"}
    assert all(r.response().status == 200 for r in api)

    # The platform side of the conversation: only the tool's origin, every message answered.
    storage = page.evaluate("window.plcPlatformStorage")
    subjects = [(e["subject"], e["origin"], e["answered"]) for e in storage["log"]]
    assert subjects == [("lti.put_data", tool.url, True)] * 2 + [("lti.get_data", tool.url, True)] * 2
    assert list(storage["byOrigin"]) == [tool.url]
    assert sorted(storage["byOrigin"][tool.url]) == sorted(e["key"] for e in storage["log"][:2])
    assert errors == []

    # Another origin (here the course page itself) asking for the tool's key gets no answer at all.
    answer = page.evaluate("""(key) => new Promise((resolve) => {
        window.addEventListener('message', (e) => {
            if (e.data && e.data.subject === 'lti.get_data.response') resolve(e.data);
        });
        window.postMessage({subject: 'lti.get_data', key, message_id: 'probe'}, '*');
        setTimeout(() => resolve('no answer'), 1500);
    })""", storage["log"][0]["key"])
    assert answer == "no answer"
    last = page.evaluate("window.plcPlatformStorage.log.at(-1)")
    assert (last["origin"], last["answered"]) == (platform.url, False)


def test_partitioned_cookie_carries_the_launch_without_platform_storage(servers, new_page):
    platform, tool, link = cross_site(servers)
    page = new_page()
    seen = record_tool_requests(page, tool.url)
    frame = open_in_frame(page, course_url(platform, "learner-1", link["id"], storage="off"))
    choose(frame.locator("#plchoice-root .plc"), "Record a short talk")

    posts = launches(seen, tool.url)
    assert len(posts) == 1 and STATE_COOKIE in cookie_header(posts[0])
    assert launch_bindings(tool) == [True]  # this launch is bound to the (partitioned) session cookie
    choose_call = next(r for r in seen if r.url == tool.url + "/api/choose")
    assert SESSION_COOKIE in cookie_header(choose_call) and choose_call.response().status == 200
    tool_cookies = [c for c in page.context.cookies() if c["domain"] == "127.0.0.1"]
    assert tool_cookies and all(c.get("partitionKey") == "http://localhost" for c in tool_cookies), tool_cookies
    assert page.errors == []


def test_cookie_fallback_when_platform_storage_does_not_answer(servers, new_page):
    """The platform names a storage frame but never answers: after the timeout the cookie does the work."""
    platform, tool, link = cross_site(servers)
    page = new_page()
    seen = record_tool_requests(page, tool.url)
    frame = open_in_frame(page, course_url(platform, "learner-1", link["id"], storage_target="_parent",
                                           storage="off"))
    choose(frame.locator("#plchoice-root .plc"), "Write an explanation")
    posts = launches(seen, tool.url)
    assert len(posts) == 1 and STATE_COOKIE in cookie_header(posts[0])
    assert launch_bindings(tool) == [True]
    assert page.errors == []


def test_blocked_cookies_without_platform_storage_get_a_clear_refusal(servers, blocked_cookies_context):
    platform, tool, link = cross_site(servers)
    page = blocked_cookies_context(tool.url, platform.url).new_page()
    seen = record_tool_requests(page, tool.url)
    page.goto(course_url(platform, "learner-1", link["id"], storage="off"))
    error = page.frame_locator("#tool").locator("main.plc-lti-error")
    expect(error).to_have_attribute("data-error-code", "state_not_bound")
    expect(error).to_contain_text("open the activity in a new tab")
    posts = launches(seen, tool.url)
    assert len(posts) == 1 and posts[0].response().status == 403
    assert launch_bindings(tool) == []
