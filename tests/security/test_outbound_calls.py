"""Every outbound call of the tool against hostile servers on loopback: the JWKS fetch of a launch, the roster
behind ``/api/queue`` (token and membership), an AGS score from the outbox, and dynamic registration.

Each must refuse redirects (the redirect target counts zero hits), give up within its deadline however the
server drips bytes (headers or body), survive garbage, a connection closed mid-body and a huge body, and
answer a 4xx/502 (never a 500) whose page never echoes what the remote server sent.
"""

from __future__ import annotations

import threading
import time

import pytest

from lti_tool.lti import keys as tool_keys
from lti_tool.lti.launch_context import NRPS_CLAIM
from lti_tool.lti.registrations import add_registration
from tests.lti.conftest import api_headers, launch_config
from tests.lti.helpers.keys import shared_key
from tests.lti.helpers.platform import TestPlatform
from tests.lti.helpers.tokens import INSTRUCTOR

from .hostile import SCRIPT, CountingServer, HostileServer

DEADLINE = 1.0
BOUND = 3 * DEADLINE + 1.0  # "does not hang": a generous upper bound, not a speed target
MODES = ["redirect", "drip_headers", "drip_body", "garbage", "close_mid_body", "huge", "script"]


@pytest.fixture
def hostile(request):
    started: list[HostileServer] = []

    def factory(mode: str) -> tuple[HostileServer, CountingServer]:
        target = CountingServer().start()
        server = HostileServer(mode, redirect_to=target.base + "/elsewhere").start()
        started.extend((target, server))
        return server, target

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def short_app(make_app, monkeypatch):
    monkeypatch.setenv("PLCHOICE_OUTBOUND_TIMEOUT", str(DEADLINE))
    return make_app()


def assert_refused_cleanly(status: int, body: str) -> None:
    assert status != 500 and (400 <= status < 500 or status in (502, 504)), (status, body[:400])
    assert "<script>" not in body and "pwned" not in body


@pytest.mark.parametrize("mode", MODES)
def test_launch_with_a_hostile_key_set_url_is_refused_in_time(mode, short_app, hostile):
    server, target = hostile(mode)
    platform = TestPlatform(jwks=server, key=shared_key("platform"))
    platform.register(short_app)
    client = short_app.test_client()
    login = platform.login(client)
    started = time.monotonic()
    response = platform.post_launch(client, platform.token(login.nonce), login.state)
    elapsed = time.monotonic() - started
    assert_refused_cleanly(response.status_code, response.get_data(as_text=True))
    assert elapsed < BOUND, f"the launch waited {elapsed:.1f}s on a {mode} key set"
    assert target.hits == 0


def nrps_launch(app, jwks, server: HostileServer, *, token_path: str) -> tuple[object, dict]:
    """A staff launch from a platform whose token endpoint and membership URL are on ``server``."""
    platform = TestPlatform(jwks=jwks, key=shared_key("platform"), issuer=server.base)
    platform.register(app)
    tool = app.extensions["plchoice"]
    with tool.sessions.begin() as session:
        add_registration(session, issuer=server.base, client_id=platform.client_id,
                         auth_login_url=platform.auth_login_url, auth_token_url=server.base + token_path,
                         key_set_url=platform.jwks.url, deployment_ids=(platform.deployment_id,))
    client = app.test_client()
    claim = {"context_memberships_url": server.base + "/members", "service_versions": ["2.0"]}
    response, _, _ = platform.launch(client, roles=[INSTRUCTOR], sub="instructor-1", **{NRPS_CLAIM: claim})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return client, api_headers(launch_config(response))


@pytest.mark.parametrize("where", ["token", "members"])
@pytest.mark.parametrize("mode", MODES)
def test_staff_queue_with_a_hostile_roster_answers_in_time(mode, where, short_app, hostile, jwks_server):
    server, target = hostile(mode)
    client, headers = nrps_launch(short_app, jwks_server, server, token_path="/token" if where == "members" else "/tok")
    started = time.monotonic()
    notice = ""
    while time.monotonic() - started < 2 * BOUND:
        asked = time.monotonic()
        queue = client.post("/api/queue", json={}, headers=headers)
        assert time.monotonic() - asked < BOUND, "one /api/queue call waited on the platform"
        assert queue.status_code == 200, queue.get_data(as_text=True)[:400]
        assert_refused_cleanly(400, queue.get_data(as_text=True))
        notice = queue.json.get("roster_notice", "")
        if "could not be loaded" in notice:
            break
        time.sleep(0.1)
    assert "could not be loaded" in notice, notice
    assert queue.json["not_started"] == []
    assert target.hits == 0


@pytest.mark.parametrize("mode", MODES)
def test_outbox_score_to_a_hostile_gradebook_is_kept_for_later(mode, short_app, hostile):
    from sqlalchemy import select

    from lti_tool.db.outbox_models import GradeOutbox
    from lti_tool.lti.ags import OutboxGradeSink
    from lti_tool.lti.launch_context import LaunchContext
    from lti_tool.lti.outbox import Outbox, OutboxSettings
    from lti_tool.lti.service_tokens import SCORE_SCOPE
    from xblock_plchoice.core.store import LearnerRecord

    server, target = hostile(mode)
    tool = short_app.extensions["plchoice"]
    with tool.sessions.begin() as session:
        tool_keys.ensure_keys(session)
        add_registration(session, issuer=server.base, client_id="c", auth_login_url=server.base + "/auth",
                         auth_token_url=server.base + "/token", key_set_url=server.base + "/jwks",
                         deployment_ids=("d",))
    context = LaunchContext(
        launch_id="x", registration_id=1, issuer=server.base, client_id="c", deployment_id="d",
        user_id="instructor-1", role="staff", display_name="", context_id="c", course_key="k",
        resource_link_id="rl", activity_id="a", activity_key="k", locale="en", message_type="LtiResourceLinkRequest",
        ags={"scope": [SCORE_SCOPE], "lineitem": server.base + "/lineitems/1"})
    with tool.sessions.begin() as session:
        OutboxGradeSink(session, context, launch_url="http://localhost/lti/launch").submitted(
            LearnerRecord("k", "k", "learner-1"), {"number": 1, "submitted_at": "2030-01-01T00:00:00+00:00"})
    outbox = Outbox(tool.sessions, OutboxSettings(http_timeout=DEADLINE))
    reports: list = []
    started = time.monotonic()
    worker = threading.Thread(target=lambda: reports.append(outbox.run_once()), daemon=True)
    worker.start()
    worker.join(60)
    elapsed = time.monotonic() - started
    assert reports, "the outbox round raised or hung"
    assert elapsed < BOUND, f"one score waited {elapsed:.1f}s on a {mode} gradebook"
    assert reports[0].delivered == 0 and reports[0].retried + reports[0].dead == 1
    with tool.sessions() as session:
        row = session.scalars(select(GradeOutbox)).one()
    assert row.status != "delivered" and SCRIPT.decode() not in (row.last_error or "")
    assert target.hits == 0


@pytest.mark.parametrize("mode", MODES)
def test_dynamic_registration_against_a_hostile_platform_is_refused_in_time(mode, short_app, hostile):
    server, target = hostile(mode)
    client = short_app.test_client()
    started = time.monotonic()
    response = client.get("/lti/register", query_string={
        "openid_configuration": server.base + "/.well-known/openid-configuration", "registration_token": "t"})
    elapsed = time.monotonic() - started
    assert_refused_cleanly(response.status_code, response.get_data(as_text=True))
    assert elapsed < BOUND, f"registration waited {elapsed:.1f}s on a {mode} platform"
    assert target.hits == 0
