"""OAuth2 access tokens for LTI Advantage services (AGS, NRPS).

The IMS Security Framework's client-credentials grant with a signed JWT client
assertion. A token is reused until shortly before its ``expires_in`` runs out:
releasing 1,000 grades costs one token request, not 1,000 (platforms rate-limit
the token endpoint, Canvas among them). Tokens are per process and per
(token endpoint, client id, scopes); a 401 from a service drops the cached token
so the next call fetches a fresh one.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import jwt
import requests

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_READ_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
RESULT_READ_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

Signer = Callable[[], tuple[str, str]]  # -> (kid, private PEM) of the tool's current key


class ServiceTokenError(RuntimeError):
    """The platform refused or failed to issue an access token; the message says what it answered."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


@dataclass(frozen=True)
class TokenTarget:
    """Where and as whom to ask: the registration's token URL, client id and assertion audience."""

    token_url: str
    client_id: str
    audience: str | None = None

    @property
    def aud(self) -> str:
        return self.audience or self.token_url


def client_assertion(target: TokenTarget, signer: Signer, lifetime: int = 300) -> str:
    """A one-use RS256 JWT that proves we hold the registered key (jti makes it unreplayable)."""
    kid, private_pem = signer()
    now = int(time.time())
    claims = {"iss": target.client_id, "sub": target.client_id, "aud": target.aud,
              "iat": now, "exp": now + lifetime, "jti": secrets.token_urlsafe(24)}
    return jwt.encode(claims, private_pem, algorithm="RS256", headers={"kid": kid})


class TokenCache:
    """Access tokens cached until ``expires_in`` (minus a safety margin); thread safe."""

    def __init__(self, *, margin_seconds: float = 30.0, timeout: float = 10.0,
                 http: requests.Session | None = None) -> None:
        self.margin = margin_seconds
        self.timeout = timeout
        self.http = http or requests.Session()
        self.fetches = 0
        self._tokens: dict[tuple, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._fetch_locks: dict[tuple, threading.Lock] = {}

    @staticmethod
    def _key(target: TokenTarget, scopes: Iterable[str]) -> tuple:
        return (target.token_url, target.client_id, target.aud, tuple(sorted(set(scopes))))

    def get(self, target: TokenTarget, scopes: Iterable[str], signer: Signer) -> str:
        """A valid bearer token for ``scopes``, from the cache when possible."""
        key = self._key(target, scopes)
        with self._lock:
            cached = self._tokens.get(key)
            if cached and cached[1] > time.monotonic():
                return cached[0]
            fetch_lock = self._fetch_locks.setdefault(key, threading.Lock())
        with fetch_lock:  # one request per key even when many threads miss at once
            with self._lock:
                cached = self._tokens.get(key)
                if cached and cached[1] > time.monotonic():
                    return cached[0]
            token, expires_in = self._fetch(target, key[3], signer)
            lifetime = max(0.0, expires_in - min(self.margin, expires_in * 0.1))
            with self._lock:
                self._tokens[key] = (token, time.monotonic() + lifetime)
            return token

    def invalidate(self, target: TokenTarget, scopes: Iterable[str]) -> None:
        with self._lock:
            self._tokens.pop(self._key(target, scopes), None)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()

    def _fetch(self, target: TokenTarget, scopes: tuple[str, ...], signer: Signer) -> tuple[str, float]:
        form = {"grant_type": "client_credentials", "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": client_assertion(target, signer), "scope": " ".join(scopes)}
        try:
            response = self.http.post(target.token_url, data=form, timeout=self.timeout,
                                      headers={"Accept": "application/json"})
        except requests.RequestException as exc:
            raise ServiceTokenError(f"The token endpoint {target.token_url} could not be reached: {exc}") from exc
        with self._lock:
            self.fetches += 1
        if response.status_code != 200:
            raise ServiceTokenError(
                f"The token endpoint {target.token_url} answered {response.status_code}: {response.text[:300]}",
                status=response.status_code, retryable=response.status_code >= 500 or response.status_code == 429)
        try:
            body = response.json()
            token = str(body["access_token"])
            expires_in = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise ServiceTokenError(f"The token endpoint {target.token_url} sent no usable access_token.") from exc
        return token, expires_in


TOKENS = TokenCache()
"""The process-wide cache every service call uses."""
