"""id_tokens shaped like a platform's: a resource link launch by default, any claim overridable."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt

from .keys import RsaKey

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
REMOVE = object()  # pass as a value to drop a claim


def resource_link_claims(*, issuer: str, client_id: str, deployment_id: str, nonce: str, sub: str = "learner-1",
                         roles: list[str] | None = None, activity_id: str = "act-1",
                         resource_link_id: str = "rl-1", context_id: str = "course-1", locale: str = "en",
                         **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer, "aud": client_id, "sub": sub, "nonce": nonce, "iat": now, "exp": now + 300,
        "name": "Ada Learner",
        CLAIM + "message_type": "LtiResourceLinkRequest", CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": deployment_id, CLAIM + "target_link_uri": "http://localhost/lti/launch",
        CLAIM + "resource_link": {"id": resource_link_id, "title": "Show what you know"},
        CLAIM + "roles": roles if roles is not None else [LEARNER],
        CLAIM + "context": {"id": context_id, "title": "Course"},
        CLAIM + "custom": {"activity_id": activity_id},
        CLAIM + "launch_presentation": {"locale": locale, "document_target": "iframe"},
    }
    for key, value in overrides.items():
        if value is REMOVE:
            claims.pop(key, None)
        else:
            claims[key] = value
    return claims


def sign(claims: dict[str, Any], key: RsaKey, *, kid: str | None = None, alg: str = "RS256") -> str:
    return jwt.encode(claims, key.private_pem, algorithm=alg, headers={"kid": kid or key.kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(claims: dict[str, Any], kid: str) -> str:
    """``alg: none``: a header, a payload and an empty signature."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": kid}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def hs256_with_public_key(claims: dict[str, Any], key: RsaKey) -> str:
    """Key confusion: HMAC-signed with the platform's *public* key as the secret."""
    import hashlib
    import hmac

    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key.kid}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(key.public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def tamper(token: str, **changes: Any) -> str:
    """Change payload claims but keep the original signature."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(changes)
    return f"{header}.{_b64(json.dumps(data).encode())}.{signature}"
