"""A test platform: registers itself with the tool, does the OIDC dance, signs id_tokens with real RS256 keys.

It drives the tool over Flask's real test client (or any client with the same
``get``/``post`` shape); nothing of the tool is replaced.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from lti_tool.db.models import Activity
from lti_tool.lti import keys as tool_keys
from lti_tool.lti.registrations import add_registration
from xblock_plchoice.core.activity import default_choice_definition

from .jwks_server import JwksServer
from .keys import RsaKey
from .tokens import resource_link_claims, sign


@dataclass
class LoginResult:
    response: Any
    state: str
    nonce: str
    redirect: str


@dataclass
class TestPlatform:
    __test__ = False  # not a test class, despite the name

    jwks: JwksServer
    key: RsaKey
    issuer: str = "https://platform.example"
    client_id: str = "client-1"
    deployment_id: str = "dep-1"
    activity_id: str = "act-1"
    auth_login_url: str = "https://platform.example/auth"
    extra: dict = field(default_factory=dict)

    def register(self, app: Any, *, deployment_ids: tuple[str, ...] | None = None,
                 definition: dict | None = None) -> None:
        self.jwks.keys = [self.key.public_jwk]
        tool = app.extensions["plchoice"]
        with tool.sessions.begin() as session:
            tool_keys.ensure_keys(session)
            add_registration(session, issuer=self.issuer, client_id=self.client_id,
                             auth_login_url=self.auth_login_url, auth_token_url="https://platform.example/token",
                             key_set_url=self.jwks.url, deployment_ids=deployment_ids or (self.deployment_id,))
            if session.get(Activity, self.activity_id) is None:
                session.add(Activity(id=self.activity_id, course_key=f"{self.issuer} course-1",
                                     definition_json=definition or default_choice_definition()))

    def login(self, client: Any, method: str = "post", **params: Any) -> LoginResult:
        data = {"iss": self.issuer, "client_id": self.client_id, "login_hint": "hint-1",
                "target_link_uri": "http://localhost/lti/launch", "lti_message_hint": "msg-1"}
        data.update(params)
        data = {k: v for k, v in data.items() if v is not None}
        response = client.post("/lti/login", data=data) if method == "post" else client.get("/lti/login",
                                                                                           query_string=data)
        location = response.headers.get("Location", "")
        query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
        return LoginResult(response, query.get("state", ""), query.get("nonce", ""), location)

    def claims(self, nonce: str, **overrides: Any) -> dict[str, Any]:
        base = {"issuer": self.issuer, "client_id": self.client_id, "deployment_id": self.deployment_id,
                "nonce": nonce, "activity_id": self.activity_id}
        named = {k: overrides.pop(k) for k in list(overrides) if k in (
            "sub", "roles", "activity_id", "resource_link_id", "context_id", "locale", "deployment_id")}
        base.update(named)
        return resource_link_claims(**base, **overrides)

    def token(self, nonce: str, **overrides: Any) -> str:
        return sign(self.claims(nonce, **overrides), self.key)

    def post_launch(self, client: Any, id_token: str | None, state: str | None, **extra: Any) -> Any:
        data = {"id_token": id_token, "state": state, **extra}
        return client.post("/lti/launch", data={k: v for k, v in data.items() if v is not None})

    def launch(self, client: Any, **overrides: Any) -> tuple[Any, LoginResult, str]:
        """Login then launch in one browser (``client``); returns (launch response, login, id_token)."""
        login = self.login(client)
        token = self.token(login.nonce, **overrides)
        return self.post_launch(client, token, login.state), login, token


def new_issuer() -> str:
    return f"https://platform-{secrets.token_hex(3)}.example"
