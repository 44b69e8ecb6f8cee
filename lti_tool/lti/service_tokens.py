"""OAuth2 access tokens for LTI Advantage services (AGS, NRPS).

The IMS Security Framework's client-credentials grant with a signed JWT client
assertion. A token is reused until shortly before its ``expires_in`` runs out:
releasing 1,000 grades costs one token request, not 1,000 (platforms rate-limit
the token endpoint, Canvas among them). A 401 from a service drops the cached token
so the next call fetches a fresh one.

Tokens go only where the registration says. The assertion's ``aud`` is the token
endpoint it is posted to; when the platform named an ``authorization_server``
(``Registration.audience``), the assertion is posted only to a token endpoint on that
server's origin. Cached tokens are keyed by registration (issuer and client id, plus
token URL and scopes), never by URL alone, so a rogue registration that names the
same token URL never gets another registration's token. The cache lives in the
shared store (database or Redis: :mod:`.launch_storage`) so every worker process
reuses one token; no lock is held while a token is fetched.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt

from .outbound import OutboundError, request

log = logging.getLogger(__name__)

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_READ_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
RESULT_READ_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MAX_TOKEN_BYTES = 64 * 1024
MAX_TOKEN_LIFETIME = 24 * 3600.0  # a platform's expires_in is trusted up to a day

Signer = Callable[[], tuple[str, str]]  # -> (kid, private PEM) of the tool's current key


class ServiceTokenError(RuntimeError):
    """The platform refused or failed to issue an access token; the message says what went wrong."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


def origin(url: str) -> tuple[str, str]:
    """(scheme, host[:port]) with default ports dropped, lower case."""
    parts = urlsplit(url or "")
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    return parts.scheme.lower(), host if port in (None, default) else f"{host}:{port}"


def token_url_allowed(token_url: str, authorization_server: str | None) -> bool:
    """A token endpoint is acceptable if no authorization server is named, or it is on that server's origin."""
    return not authorization_server or origin(token_url) == origin(authorization_server)


@dataclass(frozen=True)
class TokenTarget:
    """Where and as whom to ask: a registration's token URL, client id, issuer and authorization server."""

    token_url: str
    client_id: str
    audience: str | None = None  # the platform's ``authorization_server``, when it named one
    issuer: str = ""

    @classmethod
    def for_registration(cls, registration: Any) -> TokenTarget:
        return cls(registration.auth_token_url, registration.client_id, registration.audience, registration.issuer)

    @property
    def aud(self) -> str:
        """The assertion's audience: the token endpoint it is posted to."""
        return self.token_url

    def check(self) -> None:
        if not token_url_allowed(self.token_url, self.audience):
            raise ServiceTokenError(
                f"The token endpoint {self.token_url} is not on the platform's authorization server "
                f"{self.audience}; no client assertion was sent. Fix the registration.", retryable=False)


def client_assertion(target: TokenTarget, signer: Signer, lifetime: int = 300) -> str:
    """A one-use RS256 JWT that proves we hold the registered key (jti makes it unreplayable)."""
    kid, private_pem = signer()
    now = int(time.time())
    claims = {"iss": target.client_id, "sub": target.client_id, "aud": target.aud,
              "iat": now, "exp": now + lifetime, "jti": secrets.token_urlsafe(24)}
    return jwt.encode(claims, private_pem, algorithm="RS256", headers={"kid": kid})


class MemoryStore:
    """The store interface (``put``/``get``/``delete`` with a TTL) in one process: for tools built without one."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: dict[str, Any], ttl: int) -> None:
        with self._lock:
            self._values[key] = (time.monotonic() + ttl, value)

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._values.get(key)
        return found[1] if found and found[0] > time.monotonic() else None

    def add_once(self, key: str, value: dict[str, Any], ttl: int) -> bool:
        with self._lock:
            found = self._values.get(key)
            if found and found[0] > time.monotonic():
                return False
            self._values[key] = (time.monotonic() + ttl, value)
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)


class _Flight:
    """One token fetch in progress; others who need the same token wait on it instead of asking again."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.token: str | None = None
        self.error: ServiceTokenError | None = None


class TokenCache:
    """Access tokens cached in ``store`` until ``expires_in`` (minus a safety margin); thread safe.

    ``store`` is the tool's shared launch store (every process sees one token); without
    one, the cache is this process's memory.
    """

    def __init__(self, store: Any = None, *, margin_seconds: float = 30.0, timeout: float = 10.0) -> None:
        self.store = store if store is not None else MemoryStore()
        self.margin = margin_seconds
        self.timeout = timeout
        self.fetches = 0  # token requests this process sent (tests, health)
        self._lock = threading.Lock()  # guards the counters and the flights; never held across I/O
        self._flights: dict[str, _Flight] = {}

    @staticmethod
    def key(target: TokenTarget, scopes: Iterable[str]) -> str:
        parts = (target.issuer, target.client_id, target.token_url, " ".join(sorted(set(scopes))))
        return "token:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def get(self, target: TokenTarget, scopes: Iterable[str], signer: Signer) -> str:
        """A valid bearer token for ``scopes``, from the cache when possible."""
        target.check()
        scopes = tuple(sorted(set(scopes)))
        key = self.key(target, scopes)
        cached = self.store.get(key)
        if cached and isinstance(cached.get("token"), str):
            return cached["token"]
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
        if not leader:
            flight.done.wait(self.timeout + 1)
            if flight.token:
                return flight.token
            raise flight.error or ServiceTokenError(f"No token from {target.token_url} in time.")
        try:
            token, expires_in = self._fetch(target, scopes, signer)
            lifetime = int(expires_in - min(self.margin, expires_in * 0.1))
            if lifetime >= 1:
                self.store.put(key, {"token": token}, lifetime)
            flight.token = token
            return token
        except ServiceTokenError as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def invalidate(self, target: TokenTarget, scopes: Iterable[str]) -> None:
        self.store.delete(self.key(target, scopes))

    def _fetch(self, target: TokenTarget, scopes: tuple[str, ...], signer: Signer) -> tuple[str, float]:
        form = {"grant_type": "client_credentials", "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": client_assertion(target, signer), "scope": " ".join(scopes)}
        with self._lock:
            self.fetches += 1
        try:
            response = request("POST", target.token_url, form=form, deadline=self.timeout,
                               max_bytes=MAX_TOKEN_BYTES)
        except OutboundError as exc:
            raise ServiceTokenError(f"The token endpoint {target.token_url} failed: {exc.kind}.",
                                    status=exc.http_status) from exc
        if response.status != 200:
            log.info("Token endpoint %s answered %s: %s", target.token_url, response.status, response.text())
            raise ServiceTokenError(
                f"The token endpoint {target.token_url} answered {response.status}.",
                status=response.status, retryable=response.status >= 500 or response.status == 429)
        try:
            body = response.json_object()
            token = str(body["access_token"])
            expires_in = float(body.get("expires_in", 3600))
            if not math.isfinite(expires_in):
                raise ValueError("expires_in is not a number")
        except (OutboundError, ValueError, KeyError, TypeError) as exc:
            raise ServiceTokenError(f"The token endpoint {target.token_url} sent no usable access_token.") from exc
        return token, min(max(expires_in, 0.0), MAX_TOKEN_LIFETIME)


TOKENS = TokenCache()
"""A process-local cache for callers built without the tool's shared store (the CLI's tests, benchmarks)."""
