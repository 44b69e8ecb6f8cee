"""`keys rotate` between launches: the old launch keeps working, new launches work, and a JWT the tool
signed before the rotation still verifies against the published JWKS after it."""

from __future__ import annotations

import json
import time

import jwt
from jwt.algorithms import RSAAlgorithm

from lti_tool.cli import main as cli_main
from lti_tool.lti import keys

from .conftest import api_headers, launch_config


def verify_with_jwks(token: str, jwks: dict) -> dict:
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    return jwt.decode(token, RSAAlgorithm.from_jwk(json.dumps(jwk)), algorithms=["RS256"], audience="platform")


def test_launches_before_and_after_a_rotation(app, platform, monkeypatch, tmp_path):
    tool = app.extensions["plchoice"]
    before_client = app.test_client()
    response, _, _ = platform.launch(before_client)
    before = launch_config(response)
    with tool.sessions() as session:
        kid, pem = keys.current_private_key(session)
    signed_before = jwt.encode({"iss": "client-1", "aud": "platform", "exp": int(time.time()) + 300}, pem,
                               algorithm="RS256", headers={"kid": kid})

    # rotate with the real CLI, on the same database the app uses
    monkeypatch.setenv("PLCHOICE_DATA_DIR", str(tool.settings.data_path))
    assert cli_main(["keys", "rotate"]) == 0

    jwks = app.test_client().get("/lti/jwks").json
    assert kid in {k["kid"] for k in jwks["keys"]} and len(jwks["keys"]) == 3
    assert verify_with_jwks(signed_before, jwks)["iss"] == "client-1"
    with tool.sessions() as session:
        new_kid, new_pem = keys.current_private_key(session)
    assert new_kid != kid
    signed_after = jwt.encode({"iss": "client-1", "aud": "platform", "exp": int(time.time()) + 300}, new_pem,
                              algorithm="RS256", headers={"kid": new_kid})
    assert verify_with_jwks(signed_after, jwks)["iss"] == "client-1"

    # the launch made before the rotation still works
    state = before_client.post("/api/choose", json={"option_id": "write"}, headers=api_headers(before))
    assert state.status_code == 200 and state.json["me"]["status"] == "chosen"
    # and a launch after it works too
    after_client = app.test_client()
    response, _, _ = platform.launch(after_client, sub="learner-2")
    assert response.status_code == 200
    after = launch_config(response)
    assert after_client.post("/api/state", json={}, headers=api_headers(after)).status_code == 200
