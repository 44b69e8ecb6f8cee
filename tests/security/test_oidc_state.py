"""The signed OIDC state: nothing in it can be made up, altered, reused past its expiry or moved to another
issuer, client, nonce or deployment (lti_tool/lti/oidc_state.py). The HTTP launch tests cover the same
refusals end to end (tests/lti/test_security_launch.py); these pin each part of the value."""

from __future__ import annotations

import pytest

from lti_tool.lti import oidc_state
from lti_tool.lti.oidc_state import StateKey

KEY = StateKey("one secret")
CLAIMS = {"issuer": "https://lms.example", "client_id": "client-1", "deployment_id": "dep-1"}


def issue(**overrides):
    values = {**CLAIMS, "storage_target": False, "ttl": 600, "now": 1_000_000, **overrides}
    return oidc_state.issue(KEY, **values)


def test_a_fresh_state_reads_back_with_its_nonce_and_matches_its_login():
    issued = issue()
    login = oidc_state.read(KEY, issued.state, now=1_000_100)
    assert login is not None and login.nonce == issued.nonce and not login.storage_target
    assert oidc_state.mismatch(KEY, login, issuer=CLAIMS["issuer"], client_id=CLAIMS["client_id"],
                               nonce=issued.nonce, deployment_id="dep-1") is None


def test_each_login_gets_its_own_state_and_nonce():
    first, second = issue(), issue()
    assert first.state != second.state and first.nonce != second.nonce


@pytest.mark.parametrize("part", range(8))
def test_changing_any_part_makes_it_unknown(part):
    pieces = issue().state.split(".")
    pieces[part] = ("x" + pieces[part])[: max(len(pieces[part]), 1)] if pieces[part] != "x" else "y"
    assert oidc_state.read(KEY, ".".join(pieces), now=1_000_100) is None


@pytest.mark.parametrize("state", ["", "state-made-up", "s1", "s1.a.b.c.d.e.f", "s1." * 8, "s2.a.1.-.t.t.-.m",
                                   "s1.a.１２.-.t.t.-.m", "s1.a.1.-.t.t.-.é", "\udcff" * 3])
def test_shapes_that_are_not_ours_are_unknown(state):
    assert oidc_state.read(KEY, state, now=1_000_100) is None


def test_another_key_cannot_read_it():
    assert oidc_state.read(StateKey("another secret"), issue().state, now=1_000_100) is None


def test_it_expires():
    state = issue(ttl=600).state
    assert oidc_state.read(KEY, state, now=1_000_600) is not None
    assert oidc_state.read(KEY, state, now=1_000_601) is None


@pytest.mark.parametrize(("field", "value", "what"), [
    ("issuer", "https://rogue.example", "issuer"), ("client_id", "client-2", "client id"),
    ("nonce", "another-nonce", "nonce"), ("nonce", None, "nonce"), ("nonce", ["a"], "nonce"),
    ("nonce", "ñ", "nonce"), ("nonce", "\ud800", "nonce"),
    ("deployment_id", "dep-2", "deployment"), ("deployment_id", None, "deployment"),
    ("deployment_id", 7, "deployment")])
def test_a_launch_from_elsewhere_names_what_differs(field, value, what):
    issued = issue()
    login = oidc_state.read(KEY, issued.state, now=1_000_100)
    claims = {"issuer": CLAIMS["issuer"], "client_id": CLAIMS["client_id"], "nonce": issued.nonce,
              "deployment_id": "dep-1", field: value}
    assert oidc_state.mismatch(KEY, login, **claims) == what


def test_a_login_that_named_no_deployment_accepts_any_registered_one():
    issued = issue(deployment_id=None)
    login = oidc_state.read(KEY, issued.state, now=1_000_100)
    assert oidc_state.mismatch(KEY, login, issuer=CLAIMS["issuer"], client_id=CLAIMS["client_id"],
                               nonce=issued.nonce, deployment_id="any") is None


def test_the_platform_storage_flag_is_signed():
    offered = issue(storage_target=True).state
    assert oidc_state.read(KEY, offered, now=1_000_100).storage_target
    flipped = offered.split(".")
    flipped[3] = "-"
    assert oidc_state.read(KEY, ".".join(flipped), now=1_000_100) is None


def test_non_ascii_proofs_from_the_browser_are_refused_not_errors():
    from lti_tool.lti.platform_storage import storage_proves

    issued = issue(storage_target=True)
    assert not storage_proves(issued.state, issued.nonce, "é" + issued.state, issued.nonce)
    assert not storage_proves(issued.state, issued.nonce, issued.state, "ü")
    assert storage_proves(issued.state, issued.nonce, issued.state, issued.nonce)


def test_non_ascii_csrf_tokens_and_link_signatures_are_403_not_500(app, platform):
    from tests.lti.conftest import api_headers, launch_config

    client = app.test_client()
    response, _login, _token = platform.launch(client)
    config = launch_config(response)
    headers = api_headers(config)
    csrf_header = config["transport"]["csrfHeader"]
    bad = {**headers, csrf_header: "é".encode().decode("latin-1")}
    answer = client.post("/api/choose", json={"option_id": "write"}, headers=bad)
    assert answer.status_code == 403 and answer.json["error"] == "csrf", answer.get_data(as_text=True)
    launch_id = config["transport"]["launchId"]
    link = client.get(f"/api/export?launch={launch_id}&exp=9999999999&sig=%C3%A9")
    assert link.status_code == 403, link.get_data(as_text=True)[:300]
