"""What the tool lets a browser do: download links that open exactly one thing for a while, and the
headers every page and /api answer carry (CSP with frame-ancestors and nonces, nosniff, no-store).

Links and headers are attacked over Flask's test client with the test platform (fast), the pages that
need the real demo platform (deep linking, registration) over real HTTP, and one real chromium loads
the launch and deep-linking pages inside the platform's iframe and must see no CSP violation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import lxml.html
import pytest
import requests

from tests.lti.conftest import api_headers, launch_config
from tests.lti.helpers.tokens import INSTRUCTOR
from tests.lti.platform_fixtures import Browser, connect, dl_fields
from xblock_plchoice.core.activity import default_choice_definition

PDF_A = b"%PDF-1.7\n" + b"A" * 200
PDF_B = b"%PDF-1.7\n" + b"B" * 200
LOOPBACK_DEV = ("http://localhost:*", "http://127.0.0.1:*")


# --------------------------------------------------------------------------- helpers
def launched(app, platform, **overrides):
    client = app.test_client()
    response, _, _ = platform.launch(client, **overrides)
    assert response.status_code == 200, response.get_data(as_text=True)
    return client, launch_config(response)


def upload(client, config, name: str, data: bytes) -> dict:
    response = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(data), name)},
                           headers=api_headers(config), content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    return response.json


def sign(secret: str, launch_id: str, resource: str, expires: int) -> str:
    """The link signature, computed here from the known secret (the format is part of the contract)."""
    message = json.dumps(["download", launch_id, resource, expires]).encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def link(path: str, launch_id: str, expires: int, sig: str) -> str:
    return f"{path}?{urlencode({'launch': launch_id, 'exp': expires, 'sig': sig})}"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def path_of(url: str) -> str:
    return urlsplit(url).path


def staff_with_two_files(app, platform):
    """A learner uploads files A and B and submits; staff see both, each with its own signed link."""
    learner, config = launched(app, platform)
    headers = api_headers(config)
    assert learner.post("/api/choose", json={"option_id": "write"}, headers=headers).status_code == 200
    a, b = upload(learner, config, "a.pdf", PDF_A), upload(learner, config, "b.pdf", PDF_B)
    assessed = learner.post("/api/self_assess", json={"ratings": {"accuracy": "meets", "clarity": "meets",
                                                                   "evidence": "meets"}}, headers=headers)
    assert assessed.status_code == 200, assessed.json
    submitted = learner.post("/api/submit", json={"text": "t", "links": [], "file_ids": [a["file_id"], b["file_id"]]},
                             headers=headers)
    assert submitted.status_code == 200, submitted.json
    staff, staff_config = launched(app, platform, sub="teacher-1", roles=[INSTRUCTOR])
    queue = staff.post("/api/queue", json={}, headers=api_headers(staff_config)).json
    files = {f["name"]: f for f in queue["items"][0]["attempts"][0]["evidence"]["files"]}
    return learner, config, a, b, staff, staff_config, files


def secret_of(app) -> str:
    return app.extensions["plchoice"].secret_key


# --------------------------------------------------------------------------- item 1: per-resource links
def test_a_file_link_opens_only_its_own_file(app, platform):
    learner, config, a, b, staff, staff_config, files = staff_with_two_files(app, platform)
    stranger = app.test_client()  # a new tab: only the link
    assert stranger.get(a["url"]).data == PDF_A
    assert "exp" in query(a["url"]) and "sig" in query(a["url"])
    # A's signature on B's path
    swapped = a["url"].replace(a["file_id"], b["file_id"])
    response = stranger.get(swapped)
    assert response.status_code == 403, response.status_code
    assert response.json["error"] == "csrf" and PDF_B not in response.data
    # staff's link to file A cannot open the export, and staff's export link cannot open a file
    staff_a = files["a.pdf"]["url"]
    assert stranger.get(staff_a).data == PDF_A
    as_export = stranger.get("/api/export?" + urlsplit(staff_a).query)
    assert as_export.status_code == 403 and as_export.json["error"] == "csrf"
    export_url = staff_config["transport"]["exportUrl"]
    assert stranger.get(export_url).status_code == 200
    as_file = stranger.get(f"/api/files/{a['file_id']}?" + urlsplit(export_url).query)
    assert as_file.status_code == 403 and PDF_A not in as_file.data
    # the launch config no longer hands out a launch-wide signature or template
    assert "downloadSig" not in staff_config["transport"] and "fileUrlTemplate" not in staff_config["transport"]


def test_links_expire_within_an_hour_and_an_expired_one_says_reload(app, platform):
    learner, config = launched(app, platform)
    assert learner.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config)).status_code == 200
    a = upload(learner, config, "a.pdf", PDF_A)
    expires = int(query(a["url"])["exp"])
    assert time.time() < expires <= time.time() + 3600
    launch_id, secret, path = config["transport"]["launchId"], secret_of(app), path_of(a["url"])
    stranger = app.test_client()
    past = int(time.time()) - 5
    expired = stranger.get(link(path, launch_id, past, sign(secret, launch_id, "file:" + a["file_id"], past)))
    assert expired.status_code == 410, expired.get_data(as_text=True)[:300]
    assert expired.json["error"] == "link_expired" and "reload" in expired.json["message"].lower()
    assert "no-store" in expired.headers["Cache-Control"]
    # a validly signed link that lives longer than an hour was not made by the tool: refused
    later = int(time.time()) + 10 * 3600
    too_long = stranger.get(link(path, launch_id, later, sign(secret, launch_id, "file:" + a["file_id"], later)))
    assert too_long.status_code == 403
    # changing exp breaks the signature; digits that are not ASCII are refused, not a 500
    sig = query(a["url"])["sig"]
    assert stranger.get(link(path, launch_id, expires + 300, sig)).status_code == 403
    assert stranger.get(f"{path}?launch={launch_id}&exp=%C2%B2&sig={sig}").status_code == 403
    assert stranger.get(f"{path}?launch={launch_id}&sig={sig}").status_code == 403  # no exp at all


def test_a_link_of_one_launch_is_refused_for_another(app, platform):
    learner, config = launched(app, platform)
    assert learner.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config)).status_code == 200
    a = upload(learner, config, "a.pdf", PDF_A)
    _again, other_launch = launched(app, platform)  # the same learner, a second launch
    q = query(a["url"])
    moved = link(path_of(a["url"]), other_launch["transport"]["launchId"], int(q["exp"]), q["sig"])
    response = app.test_client().get(moved)
    assert response.status_code == 403 and PDF_A not in response.data


def test_a_learner_cannot_open_another_learners_file_even_with_a_valid_signature(app, platform):
    learner, config = launched(app, platform)
    assert learner.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config)).status_code == 200
    a = upload(learner, config, "a.pdf", PDF_A)
    _other, other = launched(app, platform, sub="learner-2")
    other_launch = other["transport"]["launchId"]
    expires = int(time.time()) + 600
    forged = link(path_of(a["url"]), other_launch, expires,
                  sign(secret_of(app), other_launch, "file:" + a["file_id"], expires))
    response = app.test_client().get(forged)
    assert response.status_code == 404 and PDF_A not in response.data


def test_state_views_carry_fresh_links(app, platform):
    """A long-open page gets new links with each state view: files, and staff's export."""
    learner, config, a, _b, staff, staff_config, _files = staff_with_two_files(app, platform)
    state = learner.post("/api/state", json={}, headers=api_headers(config)).json
    urls = [f["url"] for f in state["me"]["attempts"][0]["evidence"]["files"]]
    assert all(app.test_client().get(u).status_code == 200 for u in urls) and len(urls) == 2
    staff_state = staff.post("/api/state", json={}, headers=api_headers(staff_config)).json
    export = staff_state["staff"]["export_url"]
    assert app.test_client().get(export).status_code == 200
    assert learner.post("/api/state", json={}, headers=api_headers(config)).json["staff"] is None


# --------------------------------------------------------------------------- items 2 and 3: headers
def csp_of(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.strip().split(" ", 1)[0]: part.strip() for part in header.split(";") if part.strip()}


def inline_scripts(html: str) -> list:
    doc = lxml.html.fromstring(html)
    return [s for s in doc.xpath("//script[not(@src)]") if (s.get("type") or "") != "application/json"]


def assert_private_page(response, *, dev: bool = True) -> str | None:
    """CSP (frame-ancestors, script-src), nosniff, no-store; returns the nonce when the page has inline script."""
    assert response.headers.get("Content-Type", "").startswith("text/html"), response.headers
    csp = csp_of(response)
    assert "frame-ancestors" in csp and "https:" in csp["frame-ancestors"].split(), csp
    assert "*" not in csp["frame-ancestors"].split()
    # chromium refuses (and logs an error for) an IPv6 literal with a port wildcard: every source must parse
    assert "[" not in csp["frame-ancestors"], csp["frame-ancestors"]
    for origin in LOOPBACK_DEV:
        assert (origin in csp["frame-ancestors"]) == dev, csp["frame-ancestors"]
    assert "'unsafe-inline'" not in csp.get("script-src", "") and "script-src" in csp
    assert csp["object-src"] == "object-src 'none'" and csp["base-uri"] == "base-uri 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    html = response.text if hasattr(response, "text") and isinstance(response.text, str) \
        else response.get_data(as_text=True)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), "inline event handler"
    scripts = inline_scripts(html)
    if not scripts:
        return None
    nonces = {s.get("nonce") for s in scripts}
    assert len(nonces) == 1 and None not in nonces, nonces
    (nonce,) = nonces
    assert f"'nonce-{nonce}'" in csp["script-src"]
    return nonce


def test_launch_login_storage_error_and_404_pages_carry_the_policy(app, platform):
    client, _config = launched(app, platform)
    response, _, _ = platform.launch(app.test_client())
    assert_private_page(response)
    login = app.test_client().post("/lti/login", data={"iss": platform.issuer, "client_id": platform.client_id,
                                                       "login_hint": "h", "lti_storage_target": "_parent"})
    assert login.status_code == 200 and "login_storage.js" in login.get_data(as_text=True)
    assert_private_page(login)
    state = re.search(r"state=([^&\"]+)", launch_config(login)["redirect"]).group(1)
    nonce = re.search(r"nonce=([^&\"]+)", launch_config(login)["redirect"]).group(1)
    storage = app.test_client().post("/lti/launch", data={"id_token": platform.token(nonce), "state": state,
                                                          "lti_storage_target": "_parent"})
    assert storage.status_code == 200 and "launch_storage.js" in storage.get_data(as_text=True)
    assert_private_page(storage)
    error = app.test_client().post("/lti/launch", data={"id_token": "not-a-jwt", "state": "x"})
    assert 400 <= error.status_code < 500 and "data-error-code" in error.get_data(as_text=True)
    assert_private_page(error)
    missing = app.test_client().get("/no-such-page")
    assert missing.status_code == 404
    assert_private_page(missing)


def test_production_frame_ancestors_allow_only_https_framers(make_app):
    """An https tool is framed only by https pages (Canvas frames from account domains: any https origin)."""
    app = make_app(BASE_URL="https://tool.example")
    for response in (app.test_client().get("/no-such-page"),
                     app.test_client().post("/lti/launch", data={"id_token": "not-a-jwt", "state": "x"})):
        assert 400 <= response.status_code < 500
        assert_private_page(response, dev=False)
        assert csp_of(response)["frame-ancestors"] == "frame-ancestors 'self' https:"


def test_api_json_is_never_cached_and_public_files_keep_public_caching(app, platform):
    client, config = launched(app, platform)
    headers = api_headers(config)
    answers = [client.post("/api/state", json={}, headers=headers),                       # success
               client.post("/api/queue", json={}, headers=headers),                       # 403
               client.post("/api/choose", json={"option_id": "nope"}, headers=headers),   # 400
               client.post("/api/drop_tables", json={}, headers=headers),                 # 404
               app.test_client().post("/api/state", json={}),                             # 401
               client.get("/api/state"),                                                  # 405
               client.get("/api/files/x?launch=nope&exp=1&sig=x")]                        # 401
    assert [r.status_code for r in answers] == [200, 403, 400, 404, 401, 405, 401]
    for response in answers:
        assert response.is_json, response.headers
        assert "no-store" in response.headers.get("Cache-Control", ""), (response.status_code, response.headers)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    jwks = app.test_client().get("/lti/jwks")
    assert jwks.headers["Cache-Control"] == "public, max-age=300" and "Content-Security-Policy" not in jwks.headers
    canvas = app.test_client().get("/lti/canvas.json")
    assert canvas.headers["Cache-Control"] == "public, max-age=300"
    static = app.test_client().get("/static/plchoice/js/app.js")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    assert "max-age=300" in static.headers.get("Cache-Control", "")


def test_deep_linking_and_registration_pages_over_http(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    first = teacher.launch("deep_link", placement="assignment_selection")
    assert first.status_code == 200, teacher.diagnose(first)
    nonce_1 = assert_private_page(first)
    second = Browser(platform, server, "instructor-1").launch("deep_link", placement="assignment_selection")
    nonce_2 = assert_private_page(second)
    assert nonce_1 and nonce_2 and nonce_1 != nonce_2  # one nonce per response
    return_origin = "{0.scheme}://{0.netloc}".format(urlsplit(platform.url))
    assert return_origin in csp_of(first)["form-action"].split()  # the editor posts the JWT back to the LMS
    # the no-script form's answer: the auto-submitting page that returns to the LMS
    fields = dl_fields(first.text)
    answer = teacher.http.post(server.url + "/lti/deep-link/create",
                               data={**fields, "definition_json": json.dumps(default_choice_definition())},
                               timeout=30)
    assert answer.status_code == 200 and 'id="dl-return"' in answer.text, answer.text[:300]
    assert assert_private_page(answer)
    assert return_origin in csp_of(answer)["form-action"].split()
    # dynamic registration: the confirm page, an error page and the done page (inline close script)
    grant = requests.post(platform.url + "/_registration_token", timeout=10).json()
    invite = server.cli("registration", "invite").strip().splitlines()[-1]  # an administrator's invite URL
    confirm = requests.get(invite, params=grant, timeout=30)
    assert confirm.status_code == 200, confirm.text[:300]
    assert_private_page(confirm)
    refused = requests.get(server.url + "/lti/register", timeout=30)  # no invite
    assert refused.status_code == 403
    assert_private_page(refused)
    form = lxml.html.fromstring(confirm.text).xpath("//form")[0]
    done = requests.post(server.url + form.get("action"),
                         data={i.get("name"): i.get("value") for i in form.xpath(".//input[@name]")}, timeout=30)
    assert done.status_code == 200 and "org.imsglobal.lti.close" in done.text
    assert assert_private_page(done)


# --------------------------------------------------------------------------- a real browser, framed
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.mark.browser
def test_chromium_loads_the_framed_launch_and_deep_linking_pages_without_csp_violations(lms, tool):
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS
    from tests.browser.lti_fixtures import add_activity, course_url, extras

    platform, server = lms("generic"), tool()
    platform.app.register_blueprint(extras)
    connect(platform, server)
    link = add_activity(platform, server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(CSP_LISTENER)
            page = context.new_page()
            console = []
            page.on("console", lambda m: console.append(m.text))
            page.on("pageerror", lambda exc: console.append(str(exc)))
            for user in ("learner-1", "instructor-1"):
                page.goto(course_url(platform, user, link["id"]) + "&storage=off")
                frame = page.frame_locator("#tool")
                expect(frame.locator("#plchoice-root .plc h2").first).to_be_visible(timeout=20000)
                tool_frame = next(f for f in page.frames if f.url.startswith(server.url))
                assert tool_frame.evaluate("window.__cspViolations") == [], user
            export = frame.locator(".plc-export a")
            expect(export).to_have_attribute("href", re.compile(r"/api/export\?.*exp=\d+.*sig="))
            page.goto(f"{platform.url}/_plc/course?user=instructor-1&kind=deep_link&client_id=demo-client"
                      "&storage=off")
            expect(page.frame_locator("#tool").locator(".plc-editor")).to_be_visible(timeout=20000)
            tool_frame = next(f for f in page.frames if f.url.startswith(server.url))
            assert tool_frame.evaluate("window.__cspViolations") == []
            assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m], console
            # and the policy is really enforced (and heard): an injected inline script is blocked and reported
            injected = tool_frame.evaluate("""() => new Promise((resolve) => {
                const s = document.createElement('script'); s.textContent = 'window.__ran = true';
                document.body.appendChild(s);
                setTimeout(() => resolve([window.__ran === true, window.__cspViolations.length]), 200); })""")
            assert injected == [False, 1], injected
        finally:
            browser.close()
