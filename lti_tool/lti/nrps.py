"""Names and Role Provisioning: who is enrolled, so staff see who has not started.

The staff queue only knows learners who opened the activity. NRPS gives the
course roster; :func:`not_started` subtracts everyone with a record. This module
only *fetches* (through :mod:`.outbound`, with the registration's token); the staff
queue never waits for it: :mod:`.roster` keeps the roster in the shared store and
refreshes it in the background.

Each item of :func:`not_started`: ``{"learner_id", "display_name", "email", "status": "not_started"}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lti_tool import metrics
from lti_tool.lti.launch_errors import LtiError
from xblock_plchoice.core.i18n import gettext_noop as _

from .outbound import OutboundError, request
from .service_tokens import NRPS_SCOPE, ServiceTokenError, Signer, TokenCache, TokenTarget, origin

MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LEARNER_ROLES = ("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner", "Learner")
MAX_PAGES = 50
MAX_PAGE_BYTES = 8 * 1024 * 1024


class NrpsUnavailable(LtiError):
    code = "nrps_unavailable"
    status = 502
    default_message = _("The course roster could not be loaded from the platform, so learners who have not "
                        "started are not listed.")


def _is_learner(member: dict[str, Any]) -> bool:
    roles = member.get("roles") or []
    return any(r in LEARNER_ROLES or str(r).endswith("membership#Learner") for r in roles)


def fetch_members(target: TokenTarget, signer: Signer, url: str, *, tokens: TokenCache,
                  deadline: float = 10.0) -> list[dict[str, Any]]:
    """Every member at the membership ``url``, following ``Link: rel="next"`` pages; NrpsUnavailable if not."""
    members: list[dict[str, Any]] = []
    try:
        token = tokens.get(target, [NRPS_SCOPE], signer)
        next_url: str | None = url
        for _page in range(MAX_PAGES):
            response = request("GET", next_url, deadline=deadline, max_bytes=MAX_PAGE_BYTES,
                               headers={"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE})
            if response.status == 401:
                tokens.invalidate(target, [NRPS_SCOPE])
            page = response.expect_ok().json_object().get("members")
            if isinstance(page, list):
                members.extend(m for m in page if isinstance(m, dict))
            next_url = response.links().get("next")
            if not next_url:
                break
            if origin(next_url) != origin(url):  # the bearer token goes nowhere but the platform
                raise NrpsUnavailable()
    except (ServiceTokenError, OutboundError) as exc:
        metrics.roster_fetch(False)
        raise NrpsUnavailable() from exc
    metrics.roster_fetch(True)
    return members


def not_started(members: Iterable[dict[str, Any]], started: set[str]) -> list[dict[str, Any]]:
    """Active learners on the roster whose id is not in ``started``, sorted by name."""
    out = []
    for member in members:
        user_id = str(member.get("user_id") or "")
        if not user_id or user_id in started or not _is_learner(member):
            continue
        if member.get("status", "Active") != "Active":
            continue
        out.append({"learner_id": user_id, "display_name": str(member.get("name") or ""),
                    "email": str(member.get("email") or ""), "status": "not_started"})
    return sorted(out, key=lambda m: (m["display_name"].lower(), m["learner_id"]))
