"""Forged and broken launches: each gets a 4xx page that names the problem, and stores nothing."""

from __future__ import annotations

import time

import pytest

from .conftest import launch_rows
from .helpers.keys import shared_key
from .helpers.platform import TestPlatform
from .helpers.tokens import REMOVE, hs256_with_public_key, sign, tamper, unsigned


def assert_refused(app, response, code: str, status: int, words: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == status, html
    assert f'data-error-code="{code}"' in html, html
    assert words in html, html
    rows = launch_rows(app)
    assert rows["used_nonces"] == 0 and rows["launches"] == 0 and rows["links"] == 0 and rows["records"] == 0


def login_and_post(app, platform, token_for=None, **overrides):
    client = app.test_client()
    login = platform.login(client)
    token = token_for(login.nonce) if token_for else platform.token(login.nonce, **overrides)
    return platform.post_launch(client, token, login.state)


def test_tampered_signature(app, platform):
    def token_for(nonce):
        return tamper(platform.token(nonce), sub="someone-else")
    assert_refused(app, login_and_post(app, platform, token_for), "invalid_signature", 403, "changed or forged")


def test_wrong_audience(app, platform):
    assert_refused(app, login_and_post(app, platform, aud="not-this-tool"), "wrong_audience", 403,
                   "not to this tool")


def test_azp_naming_another_client(app, platform):
    response = login_and_post(app, platform, aud=[platform.client_id, "other-tool"], azp="other-tool")
    assert_refused(app, response, "azp_mismatch", 403, "authorized party")


def test_azp_outside_the_audience(app, platform):
    assert_refused(app, login_and_post(app, platform, azp="other-tool"), "azp_mismatch", 403, "other-tool")


def test_audience_list_without_azp(app, platform):
    response = login_and_post(app, platform, aud=[platform.client_id, "other-tool"])
    assert_refused(app, response, "missing_claim", 400, "azp")


def test_audience_list_with_our_azp_is_accepted(app, platform):
    response = login_and_post(app, platform, aud=[platform.client_id, "other-tool"], azp=platform.client_id)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_expired(app, platform):
    now = int(time.time())
    assert_refused(app, login_and_post(app, platform, iat=now - 900, exp=now - 120), "token_expired", 403,
                   "expired")


def test_issued_in_the_future_beyond_leeway(app, platform):
    now = int(time.time())
    assert_refused(app, login_and_post(app, platform, iat=now + 600, exp=now + 900), "token_not_yet_valid", 403,
                   "future")


def test_small_clock_skew_within_leeway_is_accepted(make_app, jwks_server):
    app = make_app(JWT_LEEWAY=120)
    platform = TestPlatform(jwks=jwks_server, key=shared_key("platform"))
    platform.register(app)
    now = int(time.time())
    response = login_and_post(app, platform, iat=now + 90, exp=now + 400)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_unknown_kid_refetches_once_then_refuses(app, platform, jwks_server):
    assert login_and_post(app, platform).status_code == 200
    fetches = jwks_server.requests
    assert fetches == 1
    stranger = shared_key("stranger")

    def token_for(nonce):
        return sign(platform.claims(nonce), stranger)
    before = launch_rows(app)
    response = login_and_post(app, platform, token_for)
    assert response.status_code == 403 and 'data-error-code="unknown_kid"' in response.get_data(as_text=True)
    assert jwks_server.requests == fetches + 1  # exactly one refetch
    after = launch_rows(app)
    assert after["used_nonces"] == before["used_nonces"] and after["launches"] == before["launches"]


def test_platform_key_rotation_is_picked_up_by_the_refetch(app, platform, jwks_server):
    assert login_and_post(app, platform).status_code == 200
    rotated = shared_key("platform-rotated")
    jwks_server.keys = [platform.key.public_jwk, rotated.public_jwk]

    def token_for(nonce):
        return sign(platform.claims(nonce), rotated)
    response = login_and_post(app, platform, token_for)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert jwks_server.requests == 2


def test_unregistered_deployment(app, platform):
    assert_refused(app, login_and_post(app, platform, deployment_id="dep-unknown"), "unknown_deployment", 403,
                   "dep-unknown")


def test_missing_state(app, platform):
    client = app.test_client()
    login = platform.login(client)
    response = platform.post_launch(client, platform.token(login.nonce), None)
    assert_refused(app, response, "missing_state", 400, "no state")


def test_wrong_state(app, platform):
    client = app.test_client()
    login = platform.login(client)
    response = platform.post_launch(client, platform.token(login.nonce), "state-made-up")
    assert_refused(app, response, "unknown_state", 403, "unknown or has expired")


def test_state_of_another_login(app, platform):
    client = app.test_client()
    first, second = platform.login(client), platform.login(client)
    response = platform.post_launch(client, platform.token(second.nonce), first.state)
    assert_refused(app, response, "state_mismatch", 403, "nonce")


def test_state_without_its_cookie(app, platform):
    login = platform.login(app.test_client())
    other_browser = app.test_client()
    response = platform.post_launch(other_browser, platform.token(login.nonce), login.state)
    assert_refused(app, response, "state_not_bound", 403, "did not start this launch")


def test_issuer_is_bound_to_the_state(app, platform, jwks_server):
    other = TestPlatform(jwks=jwks_server, key=platform.key, issuer="https://other.example", client_id="client-9")
    other.register(app)
    client = app.test_client()
    login = platform.login(client)
    response = other.post_launch(client, other.token(login.nonce), login.state)
    assert_refused(app, response, "state_mismatch", 403, "issuer")


def test_alg_none(app, platform):
    def token_for(nonce):
        return unsigned(platform.claims(nonce), platform.key.kid)
    assert_refused(app, login_and_post(app, platform, token_for), "algorithm_not_allowed", 403, "none")


def test_hs256_key_confusion(app, platform):
    def token_for(nonce):
        return hs256_with_public_key(platform.claims(nonce), platform.key)
    assert_refused(app, login_and_post(app, platform, token_for), "algorithm_not_allowed", 403, "HS256")


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "e30.e30.e30"])
def test_garbage_tokens(app, platform, token):
    client = app.test_client()
    login = platform.login(client)
    response = platform.post_launch(client, token or None, login.state)
    assert 400 <= response.status_code < 500
    assert launch_rows(app)["used_nonces"] == 0


def test_missing_roles_claim(app, platform):
    response = login_and_post(app, platform, **{"https://purl.imsglobal.org/spec/lti/claim/roles": REMOVE})
    assert_refused(app, response, "invalid_message", 400, "Roles")


def test_unsupported_message_type(app, platform):
    response = login_and_post(app, platform, **{
        "https://purl.imsglobal.org/spec/lti/claim/message_type": "DataPrivacyLaunchRequest"})
    assert_refused(app, response, "unsupported_message", 400, "DataPrivacyLaunchRequest")


def test_replayed_id_token_is_refused_in_the_same_and_a_fresh_browser(app, platform):
    client = app.test_client()
    response, login, token = platform.launch(client)
    assert response.status_code == 200
    before = launch_rows(app)
    again = platform.post_launch(client, token, login.state)
    assert again.status_code == 403 and 'data-error-code="replayed_token"' in again.get_data(as_text=True)
    fresh = platform.post_launch(app.test_client(), token, login.state)
    assert fresh.status_code == 403 and 'data-error-code="replayed_token"' in fresh.get_data(as_text=True)
    assert launch_rows(app) == before


def test_login_errors_are_clear(app, platform):
    client = app.test_client()
    missing = client.post("/lti/login", data={"iss": platform.issuer})
    assert missing.status_code == 400 and "login_hint" in missing.get_data(as_text=True)
    unknown = client.post("/lti/login", data={"iss": "https://nobody.example", "login_hint": "x"})
    assert unknown.status_code == 403 and "plchoice-lti platform add" in unknown.get_data(as_text=True)
    elsewhere = client.post("/lti/login", data={"iss": platform.issuer, "login_hint": "x",
                                                "client_id": platform.client_id,
                                                "target_link_uri": "https://evil.example/"})
    assert elsewhere.status_code == 400 and "evil.example" in elsewhere.get_data(as_text=True)
    assert launch_rows(app)["states"] == 0
