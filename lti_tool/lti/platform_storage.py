"""Launching where third-party cookies are blocked.

Two mechanisms, used together:

* ``Partitioned`` (CHIPS) cookies with ``SameSite=None; Secure``: browsers that
  partition rather than block third-party cookies keep our state cookie for
  this platform's frame only.
* LTI Platform Storage (1EdTech client-side postMessages, ``lti.put_data`` /
  ``lti.get_data``): when the platform sends ``lti_storage_target``, the login
  page stores the state and nonce in the platform's frame before it redirects;
  the launch page reads them back and posts them with the id_token. Canvas
  names its forwarding frame ``post_message_forwarding``; others use
  ``_parent``. The JavaScript half lives in ``static/js/lti/platform_storage.js``.

The server side here only names the keys, checks what the browser brought
back, and sets cookies the way browsers need them.
"""

from __future__ import annotations

import hmac
import re
from typing import Any
from urllib.parse import urlparse

from pylti1p3.contrib.flask import FlaskCookieService

from .oidc_state import as_bytes

STATE_KEY_PREFIX = "lti_state_"
NONCE_KEY_PREFIX = "lti_nonce_"
_TARGET = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")


def storage_target(value: str | None) -> str | None:
    """A usable frame name from ``lti_storage_target`` (``_parent`` or a named frame), else None."""
    if value and _TARGET.match(value):
        return value
    return None


def origin_of(url: str) -> str:
    """The origin postMessages go to and must come from: the platform's OIDC authorization URL."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}"


def put_data_items(state: str, nonce: str) -> list[dict[str, str]]:
    return [{"key": STATE_KEY_PREFIX + state, "value": state}, {"key": NONCE_KEY_PREFIX + nonce, "value": nonce}]


def get_data_keys(state: str, nonce: str) -> dict[str, str]:
    return {"platform_state": STATE_KEY_PREFIX + state, "platform_nonce": NONCE_KEY_PREFIX + nonce}


def storage_proves(state: str, nonce: str, platform_state: str | None, platform_nonce: str | None) -> bool:
    """True when the values read back from platform storage are the ones this login stored."""
    return bool(platform_state and platform_nonce  # bytes: compare_digest refuses non-ASCII text
                and hmac.compare_digest(as_bytes(platform_state), state.encode())
                and hmac.compare_digest(as_bytes(platform_nonce), nonce.encode()))


class PartitionedCookieService(FlaskCookieService):
    """pylti1p3's cookie service, setting cookies a cross-site iframe can keep.

    ``secure=False`` is for plain-http development only: browsers drop
    ``SameSite=None`` cookies that are not ``Secure``, so there we fall back to Lax.
    """

    def __init__(self, request: Any, secure: bool = True) -> None:
        super().__init__(request)
        self.secure = secure

    def update_response(self, response: Any) -> Any:
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(key, value=str(data["value"]), max_age=data["exp"], path="/", httponly=True,
                                secure=self.secure, samesite="None" if self.secure else "Lax",
                                partitioned=self.secure)
        return response
