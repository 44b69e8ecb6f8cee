"""Real RS256 key pairs (made once per test session: RSA generation is slow on two cores)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class RsaKey:
    kid: str
    private_pem: str
    public_pem: str
    public_jwk: dict = field(default_factory=dict)


def new_key(kid: str | None = None) -> RsaKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = kid or secrets.token_hex(8)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return RsaKey(kid=kid, private_pem=private_pem, public_pem=public_pem, public_jwk=jwk)


@lru_cache(maxsize=8)
def shared_key(name: str) -> RsaKey:
    """One key per name for the whole session (``platform``, ``rotated``, ``attacker``...)."""
    return new_key(f"{name}-{secrets.token_hex(4)}")
