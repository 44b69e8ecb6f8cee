"""The OIDC ``state`` as a signed value: a login writes nothing, and every worker and node can check it.

A login used to store its state (issuer, client id, nonce, deployment, whether platform storage was
offered) in the shared launch store and the launch deleted it again: one write transaction per hop.
The state now carries all of that itself, bound by an HMAC under the tool's secret key, which every
node of a deployment shares (``PLCHOICE_SECRET_KEY``, as the signed download links need already)::

    s1.<login id>.<expires>.<flags>.<issuer tag>.<client tag>.<deployment tag>.<mac>

* the login id is 16 random bytes; the nonce is derived from it (an HMAC too), so the state names
  exactly one nonce and nobody without the key can make a state for a nonce of their choosing;
* the tags are keyed hashes of the issuer, the client id and the deployment id the login named
  (``-`` when it named none), so a launch from another issuer, client or deployment is refused and
  the refusal can say which one differs;
* ``flags`` holds ``p`` when the login announced ``lti_storage_target``: only then may platform
  storage prove the state (docs/SECURITY.md, boundary 4);
* the MAC covers everything before it, so no part can be changed or made up.

What stays single-use is the nonce: the launch consumes it in the shared store, in the transaction
that saves the launch context, and a replay is refused on every node. A state whose launch already
ran therefore opens nothing, because its only nonce is spent. The browser binding is unchanged: the
partitioned state cookie, or the platform-storage proof for a login that offered it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

VERSION = "s1"
NO_DEPLOYMENT = "-"
_TAG_BYTES = 8
_PARTS = 8


def as_bytes(text: str) -> bytes:
    """Text from outside (a claim, a header, a form field) as bytes for ``hmac.compare_digest``.

    ``compare_digest`` raises on non-ASCII text, and JSON may carry lone surrogates: neither may
    turn a refusal into a 500.
    """
    return text.encode("utf-8", "surrogatepass")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class StateKey:
    """The tool's secret key, narrowed to this one use so it signs nothing else by accident."""

    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), b"plchoice oidc state v1", hashlib.sha256).digest()

    def _digest(self, label: str, value: str) -> bytes:
        return hmac.new(self._key, f"{label}\x00{value}".encode(), hashlib.sha256).digest()

    def tag(self, label: str, value: str) -> str:
        return _b64(self._digest(label, value)[:_TAG_BYTES])

    def mac(self, signed_part: str) -> str:
        return _b64(self._digest("mac", signed_part))

    def nonce(self, login_id: str) -> str:
        return _b64(self._digest("nonce", login_id))


@dataclass(frozen=True)
class IssuedState:
    state: str
    nonce: str


@dataclass(frozen=True)
class LoginState:
    """A state whose MAC verified; the launch compares its tags with the token's claims."""

    login_id: str
    expires: int
    storage_target: bool
    issuer_tag: str
    client_tag: str
    deployment_tag: str  # NO_DEPLOYMENT when the login named no deployment
    nonce: str


def issue(key: StateKey, *, issuer: str, client_id: str, deployment_id: str | None, storage_target: bool,
          ttl: int, now: float | None = None) -> IssuedState:
    """A fresh state and its nonce for one login."""
    login_id = _b64(secrets.token_bytes(16))
    expires = int(now if now is not None else time.time()) + ttl
    deployment = key.tag("deployment", deployment_id) if deployment_id else NO_DEPLOYMENT
    signed = ".".join((VERSION, login_id, str(expires), "p" if storage_target else "-",
                       key.tag("issuer", issuer), key.tag("client", client_id), deployment))
    return IssuedState(state=f"{signed}.{key.mac(signed)}", nonce=key.nonce(login_id))


def read(key: StateKey, state: str, now: float | None = None) -> LoginState | None:
    """The state's contents when it is ours, intact and unexpired; None otherwise (never an exception)."""
    if not state.isascii():  # hmac.compare_digest refuses non-ASCII text: such a state is not ours anyway
        return None
    parts = state.split(".")
    if len(parts) != _PARTS or parts[0] != VERSION:
        return None
    signed, mac = ".".join(parts[:-1]), parts[-1]
    if not hmac.compare_digest(mac, key.mac(signed)):
        return None
    _, login_id, expires, flags, issuer_tag, client_tag, deployment_tag = parts[:-1]
    if not expires.isascii() or not expires.isdigit() or int(expires) < int(now if now is not None else time.time()):
        return None
    return LoginState(login_id=login_id, expires=int(expires), storage_target=flags == "p", issuer_tag=issuer_tag,
                      client_tag=client_tag, deployment_tag=deployment_tag, nonce=key.nonce(login_id))


def mismatch(key: StateKey, login: LoginState, *, issuer: str, client_id: str, nonce: object,
             deployment_id: object) -> str | None:
    """What differs between the login and the launch ("issuer", "client id", "nonce", "deployment"), or None."""
    if not hmac.compare_digest(login.issuer_tag, key.tag("issuer", issuer)):
        return "issuer"
    if not hmac.compare_digest(login.client_tag, key.tag("client", client_id)):
        return "client id"
    if not isinstance(nonce, str) or not hmac.compare_digest(login.nonce.encode(), as_bytes(nonce)):
        return "nonce"
    if login.deployment_tag != NO_DEPLOYMENT and not (
            isinstance(deployment_id, str)
            and hmac.compare_digest(login.deployment_tag, key.tag("deployment", deployment_id))):
        return "deployment"
    return None
