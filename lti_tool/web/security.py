"""Who is calling /api: the launch context, proven by more than its id.

A launch id alone grants nothing. A state-changing call must carry the
launch's secret token in the ``X-PLChoice-CSRF`` header (a cross-site form
cannot set a header, and the token exists only in the launch page this browser
received), and when the launch was proven by a cookie the same browser session
must hold it too. Downloads (``GET``, opened as plain links, possibly in a new
tab where the partitioned cookie is absent) carry a signature instead; they change
nothing. Each link is signed for one launch, one resource (``file:<id>`` or
``export``) and an expiry at most an hour away, so a leaked link opens one thing,
for a while. Views hand out fresh links with every state view.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

from flask import request, session

from lti_tool.lti.launch_context import LaunchContext
from lti_tool.lti.launch_errors import CsrfFailed, LaunchRequired, LinkExpired
from lti_tool.lti.oidc_state import as_bytes
from lti_tool.services import services

LAUNCH_HEADER = "X-PLChoice-Launch"
CSRF_HEADER = "X-PLChoice-CSRF"
SESSION_KEY = "plc_launches"
MAX_SESSION_LAUNCHES = 12
#: A download link lives at most this long; a page open longer gets new links with its next state view.
LINK_TTL_SECONDS = 3600
#: Expiries are rounded down to this step, so links stay the same for a few minutes (media keep playing).
LINK_STEP_SECONDS = 300
EXPORT_RESOURCE = "export"


def remember_launch(launch_id: str) -> None:
    """Bind a cookie-proven launch to this browser's (partitioned) session."""
    launches = [item for item in session.get(SESSION_KEY, []) if item != launch_id]
    session[SESSION_KEY] = (launches + [launch_id])[-MAX_SESSION_LAUNCHES:]


def file_resource(file_id: str) -> str:
    return "file:" + file_id


def link_signature(launch_id: str, resource: str, expires: int, secret_key: str | None = None) -> str:
    """HMAC of (launch, resource, expiry) under the tool's secret; JSON keeps the three fields unambiguous."""
    message = json.dumps(["download", launch_id, resource, expires]).encode()
    key = services().secret_key if secret_key is None else secret_key
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed_query_with(secret_key: str, launch_id: str, resource: str) -> str:
    """:func:`signed_query` outside a request (tests and tools that hold the secret key)."""
    expires = (int(time.time()) + LINK_TTL_SECONDS) // LINK_STEP_SECONDS * LINK_STEP_SECONDS
    signature = link_signature(launch_id, resource, expires, secret_key)
    return urlencode({"launch": launch_id, "exp": expires, "sig": signature})


def signed_query(launch_id: str, resource: str) -> str:
    """``launch=…&exp=…&sig=…`` for a link to ``resource``, valid 55 to 60 minutes from now."""
    return signed_query_with(services().secret_key, launch_id, resource)


def _load(launch_id: str | None) -> LaunchContext:
    if not launch_id or len(launch_id) > 100:
        raise LaunchRequired()
    data = services().launch_store.get("launch:" + launch_id)
    if data is None:
        raise LaunchRequired()
    return LaunchContext.from_dict(data)


def require_csrf(context: LaunchContext | None = None) -> LaunchContext:
    """The launch of a state-changing request; raises unless its token (and session, if bound) match.

    lti-services' blueprints call this too (form posts may send the token as ``csrf_token``).
    """
    context = context or _load(request.headers.get(LAUNCH_HEADER) or request.form.get("launch_id"))
    token = request.headers.get(CSRF_HEADER) or request.form.get("csrf_token") or ""
    if not token or not hmac.compare_digest(as_bytes(token), context.csrf_token.encode()):
        raise CsrfFailed()
    if context.session_bound and context.launch_id not in session.get(SESSION_KEY, []):
        raise CsrfFailed()
    return context


def require_download(resource: str) -> LaunchContext:
    """The launch of a download link for ``resource``: ``?launch=<id>&exp=<unix time>&sig=<signature>``.

    A signature for another file, the export, another launch or another expiry is refused (403);
    a genuine link past its expiry gets 410 with a message saying to reload the page.
    """
    context = _load(request.args.get("launch"))
    raw_expiry = request.args.get("exp", "")
    signature = request.args.get("sig", "")
    if not (raw_expiry.isascii() and raw_expiry.isdigit() and len(raw_expiry) <= 12) or not signature:
        raise CsrfFailed()
    expires = int(raw_expiry)
    expected = link_signature(context.launch_id, resource, expires).encode()
    if not hmac.compare_digest(as_bytes(signature), expected):
        raise CsrfFailed()
    now = time.time()
    if expires > now + LINK_TTL_SECONDS:  # never issued by this tool (a changed TTL or a stolen key)
        raise CsrfFailed()
    if expires < now:
        raise LinkExpired()
    return context
