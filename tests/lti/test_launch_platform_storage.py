"""Cookies blocked: the login stores state and nonce in platform storage, the launch reads them back.

The HTTP side, with a client that never sends cookies back (as a browser blocking third-party cookies).
"""

from __future__ import annotations

import re

from .conftest import api_headers, launch_config, launch_rows

TARGET = "post_message_forwarding"


class CookielessClient:
    """Flask's test client with its cookie jar emptied before every request."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def _clear(self) -> None:
        for cookie in list(self.client._cookies.values()):
            self.client.delete_cookie(cookie.key, domain=cookie.domain, path=cookie.path)

    def get(self, *args, **kwargs):
        self._clear()
        return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        self._clear()
        return self.client.post(*args, **kwargs)


def storage_login(app, platform):
    client = CookielessClient(app)
    response = client.post("/lti/login", data={"iss": platform.issuer, "client_id": platform.client_id,
                                               "login_hint": "h", "lti_storage_target": TARGET})
    assert response.status_code == 200
    config = launch_config(response)
    assert config["target"] == TARGET and config["origin"] == "https://platform.example"
    state = re.search(r"state=([^&]+)", config["redirect"]).group(1)
    nonce = re.search(r"nonce=([^&]+)", config["redirect"]).group(1)
    assert {"key": f"lti_state_{state}", "value": state} in config["items"]
    assert {"key": f"lti_nonce_{nonce}", "value": nonce} in config["items"]
    assert any("Partitioned" in c for c in response.headers.getlist("Set-Cookie"))  # the cookie is still tried
    assert "js/lti/login_storage.js" in response.get_data(as_text=True)
    return client, state, nonce


def test_launch_through_platform_storage(app, platform):
    client, state, nonce = storage_login(app, platform)
    token = platform.token(nonce)
    first = client.post("/lti/launch", data={"id_token": token, "state": state, "lti_storage_target": TARGET})
    assert first.status_code == 200
    lookup = launch_config(first)
    assert lookup["keys"] == {"platform_state": f"lti_state_{state}", "platform_nonce": f"lti_nonce_{nonce}"}
    assert 'name="platform_state"' in first.get_data(as_text=True)
    assert launch_rows(app)["used_nonces"] == 0  # the lookup page stores nothing

    second = client.post("/lti/launch", data={"id_token": token, "state": state, "lti_storage_target": TARGET,
                                              "platform_state": state, "platform_nonce": nonce})
    assert second.status_code == 200, second.get_data(as_text=True)
    config = launch_config(second)
    # bound to the token, not to a cookie the browser will not send
    response = client.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config))
    assert response.status_code == 200 and response.json["me"]["status"] == "chosen"


def test_wrong_value_from_platform_storage_is_refused(app, platform):
    client, state, nonce = storage_login(app, platform)
    token = platform.token(nonce)
    response = client.post("/lti/launch", data={"id_token": token, "state": state, "lti_storage_target": TARGET,
                                                "platform_state": "state-other", "platform_nonce": nonce})
    assert response.status_code == 403 and 'data-error-code="state_not_bound"' in response.get_data(as_text=True)
    empty = client.post("/lti/launch", data={"id_token": token, "state": state, "lti_storage_target": TARGET,
                                             "platform_state": "", "platform_nonce": ""})
    assert empty.status_code == 403
    assert launch_rows(app)["used_nonces"] == 0


def test_hostile_storage_target_is_ignored(app, platform):
    client = CookielessClient(app)
    response = client.post("/lti/login", data={"iss": platform.issuer, "client_id": platform.client_id,
                                               "login_hint": "h", "lti_storage_target": "</script><x"})
    assert response.status_code == 302  # not a usable frame name: plain redirect with the cookie
