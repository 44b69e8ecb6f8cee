"""A complete login -> launch -> /api round trip, as a learner and as an instructor."""

from __future__ import annotations

from .conftest import api_headers, launch_config, launch_rows
from .helpers.tokens import INSTRUCTOR


def test_login_redirects_to_platform_with_state_nonce_and_partitioned_cookie(app, platform):
    client = app.test_client()
    login = platform.login(client)
    assert login.response.status_code == 302
    assert login.redirect.startswith(platform.auth_login_url + "?")
    assert login.state.startswith("s1.") and len(login.nonce) >= 32  # a signed state (lti_tool/lti/oidc_state.py)
    assert "redirect_uri=http%3A%2F%2Flocalhost%2Flti%2Flaunch" in login.redirect
    assert "lti_message_hint=msg-1" in login.redirect
    cookie = next(h for h in login.response.headers.getlist("Set-Cookie") if h.startswith("lti1p3-" + login.state))
    assert "Partitioned" in cookie and "SameSite=None" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    assert launch_rows(app) == {"used_nonces": 0, "launches": 0, "states": 0, "links": 0, "records": 0}  # none


def test_login_by_get_works_too(app, platform):
    login = platform.login(app.test_client(), method="get")
    assert login.response.status_code == 302 and login.state


def test_learner_launch_opens_the_activity_and_api_answers(app, platform):
    client = app.test_client()
    response, _login, _token = platform.launch(client)
    assert response.status_code == 200, response.get_data(as_text=True)
    config = launch_config(response)
    assert config["view"] == "learner" and config["dir"] == "ltr"
    assert "js/lti/bootstrap.js" in response.get_data(as_text=True)
    state = client.post("/api/state", json={}, headers=api_headers(config))
    assert state.status_code == 200, state.get_data(as_text=True)
    assert state.json["role"] == "learner" and state.json["me"]["status"] == "not_started"
    chosen = client.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config))
    assert chosen.status_code == 200 and chosen.json["me"]["status"] == "chosen"
    rows = launch_rows(app)
    assert rows["used_nonces"] == 1 and rows["launches"] == 1 and rows["states"] == 0 and rows["links"] == 1


def test_instructor_launch_gets_staff_view_and_staff_commands(app, platform):
    client = app.test_client()
    response, _, _ = platform.launch(client, sub="teacher-1", roles=[INSTRUCTOR])
    config = launch_config(response)
    assert config["view"] == "staff"
    queue = client.post("/api/queue", json={"page": 1}, headers=api_headers(config))
    assert queue.status_code == 200 and queue.json["total"] == 0
    analytics = client.post("/api/analytics", json={}, headers=api_headers(config))
    assert analytics.status_code == 200


def test_arabic_locale_is_right_to_left(app, platform):
    response, _, _ = platform.launch(app.test_client(), locale="ar")
    config = launch_config(response)
    assert config["lang"] == "ar" and config["dir"] == "rtl"
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)


def test_jwks_and_health(app, platform):
    client = app.test_client()
    keys = client.get("/lti/jwks").json["keys"]
    assert len(keys) == 2 and all(k["alg"] == "RS256" and k["kty"] == "RSA" and "d" not in k for k in keys)
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ready", "checks": {"database": "ok", "blobs": "ok"}}
