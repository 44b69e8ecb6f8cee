"""The platforms' public keys (their JWKS), cached per process.

A kid we have not seen triggers one refetch (the platform may have rotated),
at most once per key set URL per :data:`REFETCH_EVERY` seconds; a kid still
missing after that is refused, so a stream of forged kids costs at most one
fetch a minute per platform and can never make us accept a key we did not get
from the registered URL. Only RSA keys usable for RS256 are kept.

The fetch goes through :mod:`.outbound` (one deadline, no redirects, a size cap) and no
lock is held while it runs: the lock only guards the dictionary, so a slow key set
never makes launches from other platforms wait.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from jwt.algorithms import RSAAlgorithm

from .launch_errors import KeySetUnavailable, UnknownSigningKey
from .outbound import OutboundError, request

MAX_JWKS_BYTES = 512 * 1024
REFETCH_EVERY = 60.0  # seconds between two unknown-kid refetches of one key set


class PlatformKeyCache:
    def __init__(self, ttl: int = 3600, timeout: float = 5.0) -> None:
        self.ttl = ttl
        self.timeout = timeout
        self.fetches: dict[str, int] = {}  # how often each URL was fetched (health, tests)
        self._refetched: dict[str, float] = {}  # monotonic time of each URL's last unknown-kid refetch
        self._keys: dict[str, tuple[float, dict[str, dict[str, Any]]]] = {}
        self._lock = threading.Lock()  # guards the two dicts only; never held across a fetch

    def _fetch(self, url: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            self.fetches[url] = self.fetches.get(url, 0) + 1
        try:
            document = request("GET", url, deadline=self.timeout, max_bytes=MAX_JWKS_BYTES).expect_ok().json_object()
        except OutboundError as exc:
            raise KeySetUnavailable(url=url, reason=exc.render()) from exc
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise KeySetUnavailable(url=url, reason="the answer is not a JSON key set")
        usable = {}
        for key in keys:
            if (isinstance(key, dict) and key.get("kty") == "RSA" and isinstance(key.get("kid"), str)
                    and key.get("alg", "RS256") == "RS256" and key.get("use", "sig") == "sig"):
                usable[key["kid"]] = key
        with self._lock:
            self._keys[url] = (time.monotonic(), usable)
        return usable

    def _may_refetch(self, url: str) -> bool:
        """True at most once per :data:`REFETCH_EVERY` seconds per key set (claimed under the lock)."""
        with self._lock:
            last = self._refetched.get(url)
            if last is not None and time.monotonic() - last < REFETCH_EVERY:
                return False
            self._refetched[url] = time.monotonic()
            return True

    def public_key(self, url: str, kid: str) -> Any:
        """The RSA public key for ``kid`` from the set at ``url`` (one rate-limited refetch if the kid is new)."""
        with self._lock:
            cached = self._keys.get(url)
        fresh = cached is not None and time.monotonic() - cached[0] < self.ttl
        keys = cached[1] if fresh and cached else self._fetch(url)
        if kid not in keys and fresh and self._may_refetch(url):
            keys = self._fetch(url)  # the one refetch: the platform may have rotated its keys
        jwk = keys.get(kid)
        if jwk is None:
            raise UnknownSigningKey(kid=kid, url=url)
        return RSAAlgorithm.from_jwk(json.dumps(jwk))
