"""Names and Role Provisioning: who is enrolled, so staff see who has not started.

The staff queue only knows learners who opened the activity. NRPS gives the
course roster; :func:`not_started_members` subtracts everyone with a record.
The roster is cached per (membership URL, client) for ``ROSTER_TTL`` seconds
so paging through the queue does not call the platform on every page.

For the ``/api/queue`` adapter (lti-core):

    from lti_tool.lti.nrps import NrpsUnavailable, not_started_members
    try:
        missing = not_started_members(launch_context, ctx.activity_key, ctx.store, session)
    except NrpsUnavailable as exc:      # no NRPS claim, or the platform failed: say so, keep the queue
        missing, notice = [], exc.render(gettext)

Each item: ``{"learner_id", "display_name", "email", "status": "not_started"}``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from sqlalchemy.orm import Session

from lti_tool import metrics
from lti_tool.lti.keys import current_private_key
from lti_tool.lti.launch_errors import LtiError
from lti_tool.lti.registrations import find_registration
from xblock_plchoice.core.i18n import gettext_noop as _

from .service_tokens import NRPS_SCOPE, TOKENS, ServiceTokenError, TokenCache, TokenTarget

MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LEARNER_ROLES = ("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner", "Learner")
ROSTER_TTL = 60.0
MAX_PAGES = 50
TIMEOUT = 10

_cache: dict[tuple[str, str], tuple[float, list[dict[str, Any]]]] = {}
_cache_lock = threading.Lock()


class NrpsUnavailable(LtiError):
    code = "nrps_unavailable"
    status = 502
    default_message = _("The course roster could not be loaded from the platform, so learners who have not "
                        "started are not listed.")


def _is_learner(member: dict[str, Any]) -> bool:
    roles = member.get("roles") or []
    return any(r in LEARNER_ROLES or str(r).endswith("membership#Learner") for r in roles)


def fetch_members(session: Session, launch: Any, *, tokens: TokenCache = TOKENS,
                  http: requests.Session | None = None) -> list[dict[str, Any]]:
    """Every member of the launch's context, following ``Link: rel="next"`` pages."""
    claim = getattr(launch, "nrps", None) or {}
    url = claim.get("context_memberships_url")
    if not url:
        raise NrpsUnavailable(_("This platform did not offer the course roster (no NRPS claim in the launch)."))
    key = (url, launch.client_id)
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    registration = find_registration(session, launch.issuer, launch.client_id)
    if registration is None:
        raise NrpsUnavailable()
    target = TokenTarget(registration.auth_token_url, registration.client_id, registration.audience)
    http = http or requests.Session()
    members: list[dict[str, Any]] = []
    try:
        token = tokens.get(target, [NRPS_SCOPE], lambda: current_private_key(session))
        for _page in range(MAX_PAGES):
            response = http.get(url, headers={"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE},
                                timeout=TIMEOUT)
            if response.status_code == 401:
                tokens.invalidate(target, [NRPS_SCOPE])
            response.raise_for_status()
            members.extend(m for m in response.json().get("members", []) if isinstance(m, dict))
            url = response.links.get("next", {}).get("url")
            if not url:
                break
    except (ServiceTokenError, requests.RequestException, ValueError) as exc:
        metrics.roster_fetch(False)
        raise NrpsUnavailable() from exc
    metrics.roster_fetch(True)
    with _cache_lock:
        _cache[key] = (time.monotonic() + ROSTER_TTL, members)
    return members


def not_started_members(launch: Any, activity_key: str, store: Any, session: Session) -> list[dict[str, Any]]:
    """Active learners on the roster with no record (or a ``not_started`` one) for ``activity_key``."""
    started = {r.learner_id for r in store.iter_records(activity_key) if r.status != "not_started"}
    out = []
    for member in fetch_members(session, launch):
        user_id = str(member.get("user_id") or "")
        if not user_id or user_id in started or not _is_learner(member):
            continue
        if member.get("status", "Active") != "Active":
            continue
        out.append({"learner_id": user_id, "display_name": str(member.get("name") or ""),
                    "email": str(member.get("email") or ""), "status": "not_started"})
    return sorted(out, key=lambda m: (m["display_name"].lower(), m["learner_id"]))


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
