"""The tool's RS256 signing keys: next, current and previous, all published in the JWKS.

Publishing *next* before it signs anything lets platforms that cache our JWKS
pick it up ahead of a rotation; keeping *previous* means a JWT signed just
before ``keys rotate`` (a deep-linking response, an AGS client assertion)
still verifies after it.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.db.models import KeyPair

PUBLISHED = ("next", "current", "previous")


class NoSigningKey(RuntimeError):
    """There is no current key: run ``plchoice-lti init`` (or ``keys rotate``) first."""

    def __init__(self) -> None:
        super().__init__("The tool has no signing key yet. Run `plchoice-lti init` to make one.")


def generate_key_pair(status: str) -> KeyPair:
    """A fresh 2048-bit RSA key as a (not yet added) :class:`KeyPair` row."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode("ascii")
    kid = secrets.token_hex(16)
    jwk = json.loads(JWK.from_pem(private_pem.encode("ascii")).export_public())
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return KeyPair(kid=kid, status=status, private_pem=private_pem, public_jwk_json=json.dumps(jwk, sort_keys=True))


def _by_status(session: Session, status: str) -> list[KeyPair]:
    return list(session.scalars(select(KeyPair).where(KeyPair.status == status).order_by(KeyPair.id)))


def ensure_keys(session: Session) -> bool:
    """Make a current and a next key when missing (``init``); True if anything was made."""
    made = False
    for status in ("current", "next"):
        if not _by_status(session, status):
            session.add(generate_key_pair(status))
            made = True
    session.flush()
    return made


def rotate(session: Session) -> KeyPair:
    """next becomes current, current becomes previous, previous is retired, a new next is made.

    Runs in the caller's transaction; row locks (PostgreSQL) keep two rotations from interleaving.
    """
    list(session.scalars(select(KeyPair).where(KeyPair.status.in_(PUBLISHED)).with_for_update()))
    for key in _by_status(session, "previous"):
        key.status = "retired"
    for key in _by_status(session, "current"):
        key.status = "previous"
    upcoming = _by_status(session, "next")
    if upcoming:
        promoted = upcoming[0]
        promoted.status = "current"
    else:
        promoted = generate_key_pair("current")
        session.add(promoted)
    session.add(generate_key_pair("next"))
    session.flush()
    return promoted


def current_private_key(session: Session) -> tuple[str, str]:
    """``(kid, private_pem)`` of the key that signs tool JWTs now."""
    current = _by_status(session, "current")
    if not current:
        raise NoSigningKey()
    return current[-1].kid, current[-1].private_pem


def jwks(session: Session) -> dict[str, Any]:
    """The public JWKS: next, current and previous keys (never retired ones)."""
    rows = session.scalars(select(KeyPair).where(KeyPair.status.in_(PUBLISHED)).order_by(KeyPair.id))
    return {"keys": [json.loads(row.public_jwk_json) for row in rows]}
