"""The LTI browser tests' world: the demo platform and the tool as real HTTP servers, and chromium.

The platform is ``demo_platform`` (``lti1p3platform``, RS256) in a thread; the tool runs in its
own process through ``tests.lti.platform_fixtures.ToolServer`` (the real ``plchoice-lti`` CLI,
the AGS outbox thread). To the platform we add, under ``/_plc/``, what a browser test needs and
the demo platform does not offer yet; nothing of the tool is replaced:

* ``/_plc/launch``: the demo platform's launch start, plus ``lti_storage_target`` on the login
  initiation (as Canvas sends it) and a per-launch ``locale``;
* ``/_plc/auth``: the demo platform's OIDC authorization endpoint; ``lti_storage_target`` is sent
  back with the id_token form post, and when the launch asked for a locale, the id_token's
  ``launch_presentation.locale`` is set and the token re-signed with the platform's own key (the
  demo platform always says ``en``);
* ``/_plc/course``: a top-level course page that embeds the tool in an iframe and answers the
  tool's LTI Platform Storage postMessages (``lti.capabilities``, ``lti.put_data``,
  ``lti.get_data``), only for the registered tool's origin, keeping each origin's data apart.

Test modules load this file as a plugin (``pytest_plugins``) after importing its helpers, hence
PYTEST_DONT_REWRITE: it holds no asserts, and pytest need not warn that it was imported first.
"""

from __future__ import annotations

import html
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from flask import Blueprint, Response, current_app, request
from playwright.sync_api import BrowserContext

from demo_platform import PlatformServer
from demo_platform.lti import auto_submit_form
from tests.lti.platform_fixtures import ToolServer, parse_form
from xblock_plchoice.core.activity import default_choice_definition

from .conftest import CHROMIUM, LAUNCH_ARGS

PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
CLIENT_ID = "demo-client"

extras = Blueprint("plc_browser", __name__, url_prefix="/_plc")


def _launch_options() -> dict[str, dict[str, str]]:
    """What each pending launch asked for (``locale``, ``lti_storage_target``), by its message hint."""
    return current_app.extensions.setdefault("plc_browser_launches", {})


@extras.get("/launch")
def launch() -> Any:
    """The demo platform's launch start, with ``lti_storage_target`` and ``locale`` when asked."""
    response = current_app.view_functions["launches.start_launch"]()
    location = urlsplit(response.headers["Location"])
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    options = {"locale": request.args.get("locale", ""), "storage_target": request.args.get("storage_target", "")}
    _launch_options()[query["lti_message_hint"]] = options
    if options["storage_target"]:
        query["lti_storage_target"] = options["storage_target"]
    response.headers["Location"] = location._replace(query=urlencode(query)).geturl()
    return response


@extras.route("/auth", methods=["GET", "POST"])
def auth() -> Any:
    """The demo platform's authorization endpoint, plus what the launch asked for.

    ``lti_storage_target`` goes back in the id_token form post too (Platform Storage sends it in both
    the login initiation and the launch); another locale is set in the token, re-signed with the
    platform's own key.
    """
    response = current_app.view_functions["launches.auth"]()
    options = _launch_options().get(request.values.get("lti_message_hint", ""), {})
    if not (options.get("locale") or options.get("storage_target")):
        return response
    action, fields = parse_form(response.get_data(as_text=True), "lti")
    if options.get("locale"):
        header = jwt.get_unverified_header(fields["id_token"])
        claims = jwt.decode(fields["id_token"], options={"verify_signature": False})
        claims[PRESENTATION] = {**claims.get(PRESENTATION, {}), "locale": options["locale"]}
        platform = current_app.extensions["demo_platform"]
        fields["id_token"] = jwt.encode(claims, platform.private_pem, algorithm="RS256", headers=header)
    if options.get("storage_target"):
        fields["lti_storage_target"] = options["storage_target"]
    return auto_submit_form(action, fields)


# The platform half of LTI Platform Storage. Data is kept per tool origin; a message from any
# other origin is ignored (never answered), and answers go only to the origin that asked.
STORAGE_JS = r"""
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('plc-storage-config').textContent);
  var byOrigin = {};
  var log = [];
  window.plcPlatformStorage = { log: log, byOrigin: byOrigin };
  var SUPPORTED = ['lti.capabilities', 'lti.put_data', 'lti.get_data'];
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || typeof data.subject !== 'string') return;
    if (data.subject.indexOf('lti.') !== 0 || /\.response$/.test(data.subject)) return;
    var entry = { origin: event.origin, subject: data.subject, key: data.key || null, answered: false };
    log.push(entry);
    if (config.origins.indexOf(event.origin) < 0 || !event.source) return;
    var answer = { subject: data.subject + '.response', message_id: data.message_id };
    var mine = byOrigin[event.origin] = byOrigin[event.origin] || {};
    if (SUPPORTED.indexOf(data.subject) < 0) {
      answer.error = { code: 'unsupported_subject', message: 'This platform does not support ' + data.subject };
    } else if (data.subject === 'lti.capabilities') {
      answer.supported_messages = SUPPORTED.map(function (s) { return { subject: s, frame: '_parent' }; });
    } else if (typeof data.key !== 'string' || !data.key || typeof data.message_id !== 'string') {
      answer.error = { code: 'bad_request', message: 'key and message_id must be non-empty strings' };
    } else if (data.subject === 'lti.put_data') {
      if (typeof data.value !== 'string') {
        answer.error = { code: 'bad_request', message: 'value must be a string' };
      } else {
        mine[data.key] = data.value;
        answer.key = data.key;
        answer.value = data.value;
      }
    } else if (Object.prototype.hasOwnProperty.call(mine, data.key)) {
      answer.key = data.key;
      answer.value = mine[data.key];
    } else {
      answer.error = { code: 'bad_request', message: 'Nothing is stored under this key for your origin' };
    }
    entry.answered = !answer.error;
    event.source.postMessage(answer, event.origin);
  });
})();
"""


@extras.get("/storage.js")
def storage_js() -> Response:
    return Response(STORAGE_JS, mimetype="text/javascript")


@extras.get("/course")
def course() -> Response:
    """A course page with the tool in an iframe. ``storage=on|off`` switches the storage handler."""
    params = {k: v for k, v in request.args.items() if k in ("user", "link", "kind", "client_id", "locale",
                                                             "storage_target")}
    st = current_app.extensions["demo_platform"]
    origins = sorted({f"{urlsplit(c.login_url).scheme}://{urlsplit(c.login_url).netloc}"
                      for c in st.clients.values()})
    script = ""
    if request.args.get("storage", "on") == "on":
        config = json.dumps({"origins": origins}).replace("</", "<\\/")
        script = (f'<script type="application/json" id="plc-storage-config">{config}</script>'
                  '<script src="/_plc/storage.js"></script>')
    src = html.escape("/_plc/launch?" + urlencode(params))
    body = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Biology 101</title>{script}'
            '</head><body><main><h1>Biology 101: activity</h1>'
            f'<iframe id="tool" name="tool" title="PL Choice activity" src="{src}" width="1100" height="820">'
            '</iframe></main></body></html>')
    return Response(body, mimetype="text/html")


def start_platform(host: str = "127.0.0.1") -> PlatformServer:
    """The demo platform on ``host`` (``localhost`` makes it another site than a tool on 127.0.0.1)."""
    server = PlatformServer("generic", host=host)
    server.app.register_blueprint(extras)
    return server.start()


def connect(platform: PlatformServer, tool: ToolServer) -> dict[str, str]:
    """Register each side with the other; the tool sends its authorization requests to ``/_plc/auth``."""
    client = platform.register_tool(tool.url, client_id=CLIENT_ID)
    tool.cli("platform", "add", "--issuer", platform.url, "--client-id", CLIENT_ID, "--auth-login-url",
             platform.url + "/_plc/auth", "--auth-token-url", platform.url + "/token", "--key-set-url",
             platform.url + "/jwks", "--deployment-id", client.deployment_id)
    return {"client_id": CLIENT_ID, "deployment_id": client.deployment_id}


@contextmanager
def tool_db(tool: ToolServer) -> Iterator[Any]:
    """A sessionmaker on the running tool's SQLite database; the engine is closed afterwards."""
    from lti_tool.db.session import make_engine, make_sessionmaker

    engine = make_engine(f"sqlite:///{tool.data_dir.resolve() / 'plchoice.sqlite3'}")
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()


def add_activity(platform: PlatformServer, tool: ToolServer, points: int = 10) -> dict[str, Any]:
    """An activity in the tool and its graded link in the course, as a finished deep link leaves them.

    Used where the tool only keeps ``Secure`` cookies (which an HTTP client over plain http drops),
    so the deep-linking round trip cannot be driven by ``requests``; it is tested in tests/lti.
    """
    from lti_tool.db.models import Activity

    definition = default_choice_definition()
    activity_id = "act-browser-1"
    with tool_db(tool) as sessions, sessions.begin() as session:
        session.add(Activity(id=activity_id, course_key=f"{platform.url} {platform.state.context_id}",
                             definition_json=definition))
    return platform.state.add_link(CLIENT_ID, {
        "title": definition["title"], "url": tool.url + "/lti/launch", "custom": {"activity_id": activity_id},
        "lineItem": {"scoreMaximum": points, "label": definition["title"], "resourceId": activity_id}})


def launch_url(platform: PlatformServer, user: str, link: str, **extra: str) -> str:
    query = {"user": user, "kind": "link", "link": link, "client_id": CLIENT_ID, **extra}
    return f"{platform.url}/_plc/launch?{urlencode(query)}"


def course_url(platform: PlatformServer, user: str, link: str, **extra: str) -> str:
    query = {"user": user, "kind": "link", "link": link, "client_id": CLIENT_ID, **extra}
    return f"{platform.url}/_plc/course?{urlencode(query)}"


def launch_bindings(tool: ToolServer) -> list[bool]:
    """``session_bound`` of every launch the tool saved: True when a cookie proved it."""
    from sqlalchemy import select

    from lti_tool.db.models import LaunchValue

    with tool_db(tool) as sessions, sessions() as session:
        rows = session.scalars(select(LaunchValue).where(LaunchValue.key.startswith("launch:")))
        return [bool(row.value.get("session_bound")) for row in rows]


@pytest.fixture
def servers(tmp_path):
    """servers(platform_host="127.0.0.1", cookie_secure=False, **tool_env) -> (platform, tool), connected;
    stopped after. ``tool_env`` adds settings to the tool's environment (``PLCHOICE_OUTBOX_MAX_TRIES="2"``)."""
    started: list[Any] = []

    def make(platform_host: str = "127.0.0.1", cookie_secure: bool = False,
             **tool_env: str) -> tuple[PlatformServer, ToolServer]:
        platform = start_platform(platform_host)
        started.append(platform)
        tool = ToolServer(tmp_path / f"tool-{len(started)}",
                          {"PLCHOICE_COOKIE_SECURE": "true" if cookie_secure else "false", **tool_env})
        tool.data_dir.mkdir(parents=True, exist_ok=True)
        tool.cli("init")
        started.append(tool.start())
        connect(platform, tool)
        return platform, tool

    yield make
    for server in reversed(started):
        server.stop()


def _persistent_context(playwright_instance, prefs: dict[str, Any]) -> tuple[BrowserContext, Path]:
    profile = Path(tempfile.mkdtemp(prefix="plc-chromium-"))
    (profile / "Default").mkdir()
    (profile / "Default" / "Preferences").write_text(json.dumps(prefs), encoding="utf-8")
    context = playwright_instance.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=LAUNCH_ARGS, viewport={"width": 1200, "height": 900})
    return context, profile


@pytest.fixture
def blocked_cookies_context(playwright_instance):
    """blocked(tool_origin, top_origin) -> a chromium profile that refuses every cookie of the tool's site
    when it is embedded under the platform's site: third-party cookies blocked, partitioned (CHIPS) ones too.

    Chromium already blocks unpartitioned third-party cookies by default but keeps partitioned ones,
    which the tool sets; the content-settings exception is what a user's "block third-party cookies"
    amounts to in browsers without CHIPS (older Safari), the case LTI Platform Storage is for.
    """
    opened: list[tuple[BrowserContext, Path]] = []

    def make(tool_origin: str, top_origin: str) -> BrowserContext:
        pattern = f"{tool_origin.rsplit(':', 1)[0]}:*,{top_origin.rsplit(':', 1)[0]}:*"
        prefs = {"profile": {"content_settings": {"exceptions": {"cookies": {pattern: {"setting": 2}}}}}}
        context, profile = _persistent_context(playwright_instance, prefs)
        opened.append((context, profile))
        return context

    yield make
    for context, profile in opened:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
