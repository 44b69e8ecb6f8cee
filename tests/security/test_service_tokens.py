"""Service tokens go only where the registration says: a rogue registration naming the same token URL never
gets the real registration's cached token; the client assertion's ``aud`` is the URL it is posted to; a token
endpoint off the platform's ``authorization_server`` gets no assertion, and such a registration is refused."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import parse_qs

import jwt
import pytest

from lti_tool.lti.keys import current_private_key
from lti_tool.lti.launch_storage import DbLaunchStore
from lti_tool.lti.registrations import RegistrationError, add_registration, find_registration
from lti_tool.lti.service_tokens import NRPS_SCOPE, ServiceTokenError, TokenCache, TokenTarget
from tests.lti.platform_fixtures import connect, platform_state

from .hostile import HostileServer


@pytest.fixture
def token_server():
    server = HostileServer("ok_json").start()
    yield server
    server.stop()


def signer_for(sessions):
    with sessions() as session:
        key = current_private_key(session)
    return lambda: key


def assertions(server: HostileServer) -> list[dict]:
    forms = [parse_qs(body.decode()) for body in server.forms]
    return [jwt.decode(f["client_assertion"][0], options={"verify_signature": False}) for f in forms]


def test_a_rogue_registration_with_the_same_token_url_never_gets_the_cached_token(lms, tool):
    platform, server = lms("generic"), tool()
    ids = connect(platform, server)
    sessions = server.sessions()
    refused = subprocess.run([sys.executable, "-m", "lti_tool.cli", "platform", "add", "--issuer",
                              "https://rogue.example", "--client-id", ids["client_id"], "--auth-login-url",
                              "https://rogue.example/auth", "--auth-token-url", platform.url + "/token",
                              "--key-set-url", "https://rogue.example/jwks", "--deployment-id", "rogue-dep"],
                             env=server.env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "belongs to one platform" in refused.stderr  # the first line of defence
    with sessions() as session:
        real = TokenTarget.for_registration(find_registration(session, platform.url, ids["client_id"]))
        assert find_registration(session, "https://rogue.example", ids["client_id"]) is None
    # Defence in depth: were such a registration ever stored (say, made before the client-id rule), the
    # cache would still never hand it the real registration's token.
    rogue = TokenTarget(real.token_url, real.client_id, issuer="https://rogue.example")
    assert rogue.token_url == real.token_url and rogue.client_id == real.client_id
    signer = signer_for(sessions)
    shared = DbLaunchStore(sessions)  # the tool's own shared cache (what every worker reads)
    real_token = TokenCache(shared).get(real, [NRPS_SCOPE], signer)
    assert TokenCache(shared).get(real, [NRPS_SCOPE], signer) == real_token  # another process reuses it
    fetches = platform_state(platform)["token_fetches"]
    assert TokenCache(shared).get(rogue, [NRPS_SCOPE], signer)
    assert platform_state(platform)["token_fetches"] == fetches + 1  # asked for its own, never reused ours
    assert shared.get(TokenCache.key(real, [NRPS_SCOPE]))["token"] == real_token  # ours is untouched


def test_the_assertion_audience_is_the_url_it_is_posted_to(make_app, token_server):
    app = make_app()
    tool = app.extensions["plchoice"]
    from lti_tool.lti import keys as tool_keys

    with tool.sessions.begin() as session:
        tool_keys.ensure_keys(session)
    token_url = token_server.base + "/token/endpoint"
    target = TokenTarget(token_url, "client-1", audience=token_server.base, issuer="https://platform.example")
    assert TokenCache().get(target, [NRPS_SCOPE], signer_for(tool.sessions)) == "hostile-token"
    (claims,) = assertions(token_server)
    assert claims["aud"] == token_url and claims["iss"] == claims["sub"] == "client-1"


def test_a_token_url_off_the_authorization_server_gets_no_assertion(make_app, token_server):
    app = make_app()
    tool = app.extensions["plchoice"]
    from lti_tool.lti import keys as tool_keys

    with tool.sessions.begin() as session:
        tool_keys.ensure_keys(session)
    target = TokenTarget(token_server.base + "/token", "client-1", audience="https://auth.platform.example",
                         issuer="https://platform.example")
    with pytest.raises(ServiceTokenError) as refused:
        TokenCache().get(target, [NRPS_SCOPE], signer_for(tool.sessions))
    assert not refused.value.retryable and "authorization server" in str(refused.value)
    assert token_server.forms == [] and token_server.hits == 0

    with tool.sessions() as session, pytest.raises(RegistrationError, match="authorization server"):
        add_registration(session, issuer="https://platform.example", client_id="client-1",
                         auth_login_url="https://platform.example/auth", auth_token_url=token_server.base + "/token",
                         key_set_url="https://platform.example/jwks", audience="https://auth.platform.example")
    with tool.sessions() as session:
        assert find_registration(session, "https://platform.example", "client-1") is None
