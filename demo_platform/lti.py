"""The ``lti1p3platform`` pieces, bound to Flask and to :class:`PlatformState`.

``lti1p3platform`` 0.1.8 ships Django and FastAPI glue only, so this module adds
the Flask request wrapper and renders the auto-submitting launch form itself
(the package's template module imports ``pkg_resources``). It also tightens two
checks the package leaves open: the client assertion's ``aud`` must be our token
endpoint and its ``jti`` may be used once (replayed assertions are refused).
"""

from __future__ import annotations

import functools
import html
import threading
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from flask import Request as FlaskHttpRequest
from flask import Response
from lti1p3platform.exceptions import LtiException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest

from .state import PlatformState, ToolClient

_seen_jti: dict[str, float] = {}
_jti_lock = threading.Lock()


class FlaskRequest(Request):
    """``lti1p3platform``'s request view of a Flask request."""

    def build_metadata(self, request: FlaskHttpRequest) -> TRequest:
        return {
            "method": request.method,
            "form_data": request.form.to_dict(),
            "get_data": request.args.to_dict(),
            "headers": request.headers,
            "content_type": request.content_type,
            "path": request.path,
            "json": request.get_json(silent=True) if request.is_json else None,
        }


@functools.lru_cache(maxsize=16)
def _signing_key(private_pem: str) -> tuple[Any, str | None]:
    """The parsed private key and its ``kid``, once per key (the platform may rotate: keyed by the PEM)."""
    kid = Registration.get_jwk(private_pem).get("kid")
    return serialization.load_pem_private_key(private_pem.encode(), password=None), kid


class CachedKeyRegistration(Registration):
    """``lti1p3platform``'s registration, signing with a key parsed once.

    The package parses the platform's PEM twice for every id_token it signs (once for the ``kid``,
    once in PyJWT), which cost this demo platform more CPU than the rest of a launch. A real LMS
    keeps its key loaded; so does this one now, so benchmarks time the tool, not the platform.
    """

    def get_kid(self) -> str | None:
        pem = self.get_platform_private_key()
        return _signing_key(pem)[1] if pem else None

    def platform_encode_and_sign(self, payload: dict[str, Any], expiration: int | None = None) -> str:
        pem = self.get_platform_private_key()
        assert pem is not None, "Platform private key is not set"
        key, kid = _signing_key(pem)
        if expiration:
            payload.update({"iat": int(time.time()), "exp": int(time.time()) + expiration})
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid} if kid else None)


class PlatformConf(LTI1P3PlatformConfAbstract):
    """One tool client as seen by the platform: its keys, URLs and our signing key."""

    def init_platform_config(self, **kwargs: Any) -> None:
        self.state: PlatformState = kwargs["state"]
        self.client: ToolClient = kwargs["client"]
        self.token_url: str = kwargs.get("token_url", "")

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        reg = CachedKeyRegistration()
        reg.set_iss(self.state.issuer).set_client_id(self.client.client_id)
        reg.set_deployment_id(self.client.deployment_id)
        reg.set_oidc_login_url(self.client.login_url)
        reg.set_launch_url(self.client.launch_url)
        reg.set_deeplink_launch_url(self.client.launch_url)
        reg.set_tool_key_set_url(self.client.jwks_url)
        reg.set_platform_private_key(self.state.private_pem)
        reg.set_platform_public_key(self.state.public_pem)
        return reg

    def get_tool_key_set(self):  # type: ignore[override]
        # Never cache the tool's keys: the tool rotates them, and a stale set would
        # reject a correctly signed assertion after ``keys rotate``.
        assert self._registration is not None
        url = self._registration.get_tool_key_set_url()
        return self.fetch_public_key(url or "")

    def get_access_token(self, token_request_data: dict[str, Any]):  # type: ignore[override]
        assertion = token_request_data.get("client_assertion", "")
        if token_request_data.get("client_assertion_type") != \
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            raise LtiException("client_assertion_type must be jwt-bearer")
        self.get_registration()
        claims = self.tool_validate_and_decode(assertion)
        if claims.get("iss") != self.client.client_id or claims.get("sub") != self.client.client_id:
            raise LtiException("client assertion iss/sub must be the client id")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.token_url not in audiences:
            raise LtiException("client assertion aud must be the token endpoint")
        jti = claims.get("jti")
        if not jti:
            raise LtiException("client assertion has no jti")
        now = time.time()
        with _jti_lock:
            for key, expiry in list(_seen_jti.items()):
                if expiry < now:
                    del _seen_jti[key]
            if jti in _seen_jti:
                raise LtiException("client assertion jti was already used")
            _seen_jti[jti] = float(claims.get("exp", now + 600))
        answer = super().get_access_token(token_request_data)
        ttl = self.state.options.get("token_ttl")
        if ttl:  # test control: a short-lived token, to watch the tool's cache expire it
            answer["expires_in"] = int(ttl)
        return answer


def auto_submit_form(action: str, fields: dict[str, str], title: str = "Launching") -> Response:
    """The self-posting form that carries an id_token (or a deep-linking JWT) to the tool."""
    inputs = "\n".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items()
    )
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>"
        f'<form id="lti" method="POST" action="{html.escape(action)}">{inputs}'
        '<noscript><button type="submit">Continue</button></noscript></form>'
        "<script>document.getElementById('lti').submit();</script></body></html>"
    )
    return Response(body, mimetype="text/html")


class MessageLaunch(LTIAdvantageMessageLaunchAbstract):
    """A resource-link or deep-linking launch, answered with the auto-submit form."""

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> Response:
        return auto_submit_form(launch_data["launch_url"],
                                {"id_token": launch_data["id_token"], "state": launch_data["state"]})


class OIDCLogin(OIDCLoginAbstract):
    """Third-party initiated login: the redirect to the tool's login URL."""

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> Response:
        return Response(status=302, headers={"Location": url})


def decode_unverified(token: str) -> dict[str, Any]:
    """Read a JWT body without checking it (only to pick the client whose key verifies it)."""
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise LtiException(f"not a JWT: {exc}") from exc
