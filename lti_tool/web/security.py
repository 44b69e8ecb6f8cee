"""Who is calling /api: the launch context, proven by more than its id.

A launch id alone grants nothing. A state-changing call must carry the
launch's secret token in the ``X-PLChoice-CSRF`` header (a cross-site form
cannot set a header, and the token exists only in the launch page this browser
received), and when the launch was proven by a cookie the same browser session
must hold it too. Downloads (``GET``, opened as plain links, possibly in a new
tab where the partitioned cookie is absent) carry a signature derived from the
launch instead; they change nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import request, session

from lti_tool.lti.launch_context import LaunchContext
from lti_tool.lti.launch_errors import CsrfFailed, LaunchRequired
from lti_tool.services import services

LAUNCH_HEADER = "X-PLChoice-Launch"
CSRF_HEADER = "X-PLChoice-CSRF"
SESSION_KEY = "plc_launches"
MAX_SESSION_LAUNCHES = 12


def remember_launch(launch_id: str) -> None:
    """Bind a cookie-proven launch to this browser's (partitioned) session."""
    launches = [item for item in session.get(SESSION_KEY, []) if item != launch_id]
    session[SESSION_KEY] = (launches + [launch_id])[-MAX_SESSION_LAUNCHES:]


def download_signature(launch_id: str) -> str:
    digest = hmac.new(services().secret_key.encode(), f"download:{launch_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


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
    if not token or not hmac.compare_digest(token, context.csrf_token):
        raise CsrfFailed()
    if context.session_bound and context.launch_id not in session.get(SESSION_KEY, []):
        raise CsrfFailed()
    return context


def require_download() -> LaunchContext:
    """The launch of a download link: ``?launch=<id>&sig=<signature>``."""
    context = _load(request.args.get("launch"))
    signature = request.args.get("sig", "")
    if not signature or not hmac.compare_digest(signature, download_signature(context.launch_id)):
        raise CsrfFailed()
    return context
