"""OIDC login and id_token launch validation, stricter than pylti1p3 2.0.0.

We subclass pylti1p3's Flask classes and replace the checks it leaves loose:

* only RS256: ``alg: none`` and HS256-with-the-public-key (key confusion) are refused from the header;
* the registration comes from (``iss``, client id), where the client id is ``azp`` or the single ``aud``;
  ``aud`` may be a list, and then ``azp`` must name us;
* ``exp``/``iat``/``nbf`` are checked with a configurable leeway (pylti1p3 skips ``aud`` and has none);
* an unknown ``kid`` refetches the platform's JWKS at most once a minute (:mod:`.platform_keys`);
* the state is signed by us (:mod:`.oidc_state`: a login writes nothing, every node can check it) and
  bound to its ``iss``, client id, nonce and deployment, and the browser proves it started that login
  (state cookie, or, only for a login that announced ``lti_storage_target``, the value it kept in
  platform storage);
* each nonce is consumed once in shared storage, so a replayed id_token fails even from a fresh browser;
* every claim the tool reads has the right JSON type (:mod:`.claims`) before anything reads it.

Order: the token's shape and registration, then the nonce and state (read from the *unverified* body:
one primary-key read of our own storage and an HMAC), and only then the signature, which may fetch the
platform's keys. A forged or replayed post without a live login of ours therefore never makes us fetch
anything; once the signature verifies, the binding checked from the unverified body is proven.

:meth:`ToolMessageLaunch.validate` stores nothing; :meth:`ValidatedLaunch.complete` consumes the nonce
and saves the launch context, in one transaction, only once the whole launch is known to be good.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import LtiException
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.db.models import Registration
from lti_tool.services import ToolServices

from . import launch_errors as errors
from . import oidc_state
from .claims import STRING, validate_claims
from .launch_context import LaunchContext, build_context
from .platform_storage import PartitionedCookieService, storage_proves, storage_target
from .registrations import DbToolConf
from .registry import KnownRegistration

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
DEPLOYMENT_ID = CLAIM + "deployment_id"
SUPPORTED_MESSAGES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")


@dataclass
class LoginRedirect:
    url: str
    state: str
    nonce: str
    registration: KnownRegistration
    storage_target: str | None


class ToolOIDCLogin(FlaskOIDCLogin):
    """Third-party initiated login: signs a state, sets it as the browser's cookie, then redirects."""

    def __init__(self, services: ToolServices, session: Session) -> None:
        request = FlaskRequest()
        super().__init__(request, DbToolConf(session), cookie_service=PartitionedCookieService(
            request, secure=services.settings.cookie_secure))
        self.services = services
        self.session = session
        self._row: KnownRegistration | None = None

    def validate_oidc_login(self) -> KnownRegistration:  # type: ignore[override]
        iss = self._get_request_param("iss")
        if not iss:
            raise errors.LoginMissingParameter(name="iss")
        if not self._get_request_param("login_hint"):
            raise errors.LoginMissingParameter(name="login_hint")
        client_id = self._get_request_param("client_id")
        if client_id:
            row = self.services.registry.registration(self.session, iss, client_id)
        else:
            rows = list(self.session.scalars(select(Registration).where(Registration.issuer == iss).limit(2)))
            if len(rows) > 1:
                raise errors.AmbiguousRegistration(issuer=iss)
            row = self.services.registry.registration(self.session, iss, rows[0].client_id) if rows else None
        if row is None:
            raise errors.UnknownRegistration(issuer=iss, client_id=client_id or "-")
        target = self._get_request_param("target_link_uri")
        if target and not target.startswith(self.services.settings.base_url.rstrip("/") + "/"):
            raise errors.TargetLinkElsewhere(uri=target)
        self._row = row
        return row

    def prepare(self) -> LoginRedirect:
        """Validate the login request and record its state; the caller sends the redirect or the storage page."""
        row = self.validate_oidc_login()
        settings = self.services.settings
        target = storage_target(self._get_request_param("lti_storage_target"))
        issued = oidc_state.issue(self.services.state_key, issuer=row.issuer, client_id=row.client_id,
                                  deployment_id=self._get_request_param("lti_deployment_id") or None,
                                  storage_target=target is not None,  # only then may platform storage prove it
                                  ttl=settings.state_ttl)
        state, nonce = issued.state, issued.nonce
        self._cookie_service.set_cookie(state, state, settings.state_ttl)
        params = {
            "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
            "client_id": row.client_id, "redirect_uri": settings.launch_url, "state": state, "nonce": nonce,
            "login_hint": self._get_request_param("login_hint"),
        }
        hint = self._get_request_param("lti_message_hint")
        if hint:
            params["lti_message_hint"] = hint
        separator = "&" if "?" in row.auth_login_url else "?"
        return LoginRedirect(url=row.auth_login_url + separator + urlencode(params), state=state, nonce=nonce,
                             registration=row, storage_target=target)

    def apply_cookies(self, response: Any) -> Any:
        return self._cookie_service.update_response(response)


class PlatformStorageLookup(Exception):  # noqa: N818 - a signal, not an error
    """No state cookie came back, but the platform offers storage: read the state from there first."""

    def __init__(self, target: str, state: str, nonce: str, registration: KnownRegistration) -> None:
        super().__init__("state must be read from platform storage")
        self.target, self.state, self.nonce, self.registration = target, state, nonce, registration


class ToolMessageLaunch(FlaskMessageLaunch):
    """The id_token POSTed to /lti/launch, validated in an order that stores nothing on failure."""

    def __init__(self, services: ToolServices, session: Session) -> None:
        request = FlaskRequest()
        super().__init__(request, DbToolConf(session),
                         cookie_service=PartitionedCookieService(request, secure=services.settings.cookie_secure))
        self.services = services
        self.session = session
        self.row: KnownRegistration | None = None
        self.deployment: str | None = None  # the deployment id, one of the registration's
        self.login: oidc_state.LoginState | None = None
        self._records: dict[str, Any] | None = None
        self.binding = ""

    # -- the pipeline ---------------------------------------------------------------
    def validate(self) -> ToolMessageLaunch:
        self._validated = True  # pylti1p3's getters would otherwise re-enter validate()
        try:
            if not self._get_request_param("id_token"):
                raise errors.MissingIdToken()
            if not self._get_request_param("state"):
                raise errors.MissingState()
            self.validate_jwt_format()
            self.validate_registration()
            self.validate_nonce()  # these two read only our storage and key: no key fetch without a live login
            self.validate_state()
            self.validate_jwt_signature()
            validate_claims(self._jwt["body"])  # before pylti1p3's validators or our readers touch them
            self.validate_deployment()
            self.validate_message()
        except Exception:
            self._validated = False
            raise
        return self

    def validate_jwt_format(self) -> ToolMessageLaunch:
        try:
            super().validate_jwt_format()
        except LtiException as exc:
            raise errors.MalformedToken(reason=str(exc)) from exc
        header, body = self._jwt.get("header"), self._jwt.get("body")
        if not isinstance(header, dict) or not isinstance(body, dict):
            raise errors.MalformedToken(reason="header and payload must be JSON objects")
        alg = header.get("alg")
        if alg != "RS256":
            raise errors.AlgorithmNotAllowed(alg=str(alg or "none"))
        if not isinstance(header.get("kid"), str) or not header["kid"]:
            raise errors.MalformedToken(reason="the header has no kid")
        return self

    def validate_registration(self) -> ToolMessageLaunch:
        body = self._jwt["body"]
        iss = body.get("iss")
        if not isinstance(iss, str) or not iss:
            raise errors.MissingClaim(claim="iss")
        aud = body.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud
        if not audiences or not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
            raise errors.MissingClaim(claim="aud")
        azp = body.get("azp")
        if azp is not None and azp not in audiences:
            raise errors.AzpMismatch(azp=str(azp), client_id=", ".join(audiences))
        if azp is None and len(audiences) > 1:
            raise errors.MissingClaim(claim="azp")
        client_id = azp or audiences[0]
        row = self.services.registry.registration(self.session, iss, client_id)
        if row is None:
            known = list(self.session.scalars(select(Registration.client_id).where(Registration.issuer == iss)))
            if azp is not None and any(a in known for a in audiences):
                raise errors.AzpMismatch(azp=azp, client_id=", ".join(a for a in audiences if a in known))
            if known:
                raise errors.WrongAudience(aud=", ".join(audiences), client_id=", ".join(known))
            raise errors.UnknownRegistration(issuer=iss, client_id=client_id)
        self.row = row
        return self

    def validate_jwt_signature(self) -> ToolMessageLaunch:
        assert self.row is not None
        header = self._jwt["header"]
        key = self.services.platform_keys.public_key(self.row.key_set_url, header["kid"])
        try:
            jwt.decode(self._get_id_token(), key, algorithms=["RS256"], audience=self.row.client_id,
                       issuer=self.row.issuer, leeway=self.services.settings.jwt_leeway,
                       options={"require": ["exp", "iat", "iss", "aud", "nonce"]})
        except jwt.InvalidSignatureError as exc:
            raise errors.InvalidSignature() from exc
        except jwt.ExpiredSignatureError as exc:
            raise errors.TokenExpired() from exc
        except jwt.ImmatureSignatureError as exc:
            raise errors.TokenNotYetValid() from exc
        except jwt.InvalidAudienceError as exc:
            raise errors.WrongAudience(aud=str(self._jwt["body"].get("aud")), client_id=self.row.client_id) from exc
        except jwt.MissingRequiredClaimError as exc:
            raise errors.MissingClaim(claim=exc.claim) from exc
        except jwt.exceptions.InvalidSubjectError as exc:  # PyJWT checks sub is a string
            raise errors.InvalidClaim(claim="sub", expected=STRING.name) from exc
        except jwt.InvalidTokenError as exc:
            raise errors.MalformedToken(reason=str(exc)) from exc
        return self

    def validate_nonce(self) -> ToolMessageLaunch:
        """The nonce was never consumed (a replay is named as such, though its state is gone too).

        Read from the unverified body; validate_state then binds it to the login, the signature proves it.
        """
        nonce = self._jwt["body"].get("nonce")
        if isinstance(nonce, str) and "nonce-used:" + nonce in self._login_records():
            raise errors.ReplayedToken()
        return self

    def _login_records(self) -> dict[str, Any]:
        """The nonce's used-marker, read once (one primary-key lookup; the state itself is signed)."""
        if self._records is None:
            nonce = self._jwt["body"].get("nonce")
            keys = ["nonce-used:" + nonce] if isinstance(nonce, str) else []
            self._records = self.services.launch_store.get_many(keys) if keys else {}
        return self._records

    def validate_state(self) -> ToolMessageLaunch:
        """The state names our login, for this issuer, client id and nonce, started in this browser.

        Runs before the signature check, on the unverified body: the signature then proves the binding.
        """
        assert self.row is not None
        state = self._get_request_param("state")
        key = self.services.state_key
        login = oidc_state.read(key, state)
        if login is None:
            raise errors.UnknownState()
        body = self._jwt["body"]
        what = oidc_state.mismatch(key, login, issuer=self.row.issuer, client_id=self.row.client_id,
                                   nonce=body.get("nonce"), deployment_id=body.get(DEPLOYMENT_ID))
        if what:
            raise errors.StateMismatch(what=what)
        self.login = login
        if secrets.compare_digest((self._cookie_service.get_cookie(state) or "").encode(), state.encode()):
            self.binding = "cookie"
            return self
        if not login.storage_target:  # the login did not offer platform storage: only the cookie counts
            raise errors.StateNotBound()
        if storage_proves(state, login.nonce, self._get_request_param("platform_state"),
                          self._get_request_param("platform_nonce")):
            self.binding = "platform_storage"
            return self
        target = storage_target(self._get_request_param("lti_storage_target"))
        if target and self._get_request_param("platform_state") is None:
            raise PlatformStorageLookup(target, state, login.nonce, self.row)
        raise errors.StateNotBound()

    def validate_deployment(self) -> ToolMessageLaunch:
        assert self.row is not None
        deployment_id = self._jwt["body"][DEPLOYMENT_ID]  # a string: validate_claims ran
        if not deployment_id:
            raise errors.MissingClaim(claim=DEPLOYMENT_ID)
        if deployment_id not in self.row.deployment_ids:
            raise errors.UnknownDeployment(deployment_id=deployment_id)
        self.deployment = deployment_id
        return self

    def validate_message(self) -> ToolMessageLaunch:
        message_type = self._jwt["body"].get(MESSAGE_TYPE)
        if message_type not in SUPPORTED_MESSAGES:
            raise errors.UnsupportedMessage(message_type=str(message_type or "-"))
        try:
            super().validate_message()
        except LtiException as exc:
            raise errors.InvalidMessage(reason=str(exc)) from exc
        return self

    def validated(self) -> ValidatedLaunch:
        assert self._validated and self.row is not None and self.deployment is not None
        return ValidatedLaunch(self, dict(self._jwt["body"]), self.row, self.deployment)


class ValidatedLaunch:
    """A launch whose every check passed; what pages and lti-services' deep-linking hook receive."""

    def __init__(self, message: ToolMessageLaunch, claims: dict[str, Any], registration: KnownRegistration,
                 deployment: str) -> None:
        self.message = message  # the pylti1p3 object: get_deep_link(), get_ags(), get_nrps() work on it
        self.claims = claims
        self.registration = registration
        self.deployment = deployment
        self.launch_id = "launch-" + secrets.token_urlsafe(24)
        self.csrf_token = secrets.token_urlsafe(32)
        self.binding = message.binding
        self.context: LaunchContext = build_context(claims, registration, self.launch_id)

    message_type = property(lambda self: self.claims.get(MESSAGE_TYPE))
    is_deep_link = property(lambda self: self.message_type == "LtiDeepLinkingRequest")
    roles = property(lambda self: list(self.claims.get(CLAIM + "roles") or []))
    is_staff = property(lambda self: self.context.role == "staff")
    user_id = property(lambda self: self.context.user_id)
    course_key = property(lambda self: self.context.course_key)
    locale = property(lambda self: self.context.locale)

    @property
    def activity_key(self) -> str:
        return self.context.activity_key

    def complete(self, activity_id: str | None) -> LaunchContext:
        """Consume the nonce and save the launch context every worker will read, in one transaction."""
        services = self.message.services
        settings = services.settings
        nonce = str(self.claims["nonce"])
        ttl = max(int(self.claims.get("exp", 0)) - int(time.time()), 0) + settings.jwt_leeway + settings.state_ttl
        context = build_context(self.claims, self.registration, self.launch_id, activity_id=activity_id,
                                csrf_token=self.csrf_token, session_bound=self.binding == "cookie")
        if not services.launch_store.consume_login("nonce-used:" + nonce, ttl, "launch:" + self.launch_id,
                                                   context.to_dict(), settings.launch_ttl):
            raise errors.ReplayedToken()
        self.context = context
        return self.context
