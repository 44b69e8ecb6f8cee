"""The course roster for the staff queue, kept where every worker sees it and refreshed off the request path.

Fetching the roster takes a token request, during which the platform fetches *our* key
set: a web worker that waited for it inline could deadlock a small pool (two sync
gunicorn workers both waiting, nobody left to serve ``/lti/jwks``). So ``/api/queue``
only reads the roster from the shared store (database or Redis, the launch store) and
answers at once; a stale or missing roster is refreshed by a background thread of the
process that noticed, claimed with ``add_once`` so one refresh runs at a time across
workers and nodes. A failure is remembered for ``FAILURE_TTL`` seconds, so a platform
that is down is asked again only then.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from lti_tool.db.store import SqlStore
from xblock_plchoice.core.i18n import gettext_noop as _

from .keys import current_private_key
from .launch_errors import LtiError
from .nrps import NrpsUnavailable, fetch_members, not_started
from .registrations import find_registration
from .service_tokens import TokenTarget

log = logging.getLogger(__name__)

FRESH_SECONDS = 60  # a roster younger than this is served without a refresh
KEEP_SECONDS = 3600  # an older one is still served (and refreshed) for this long
FAILURE_TTL = 30  # a failed refresh is not retried before this
CLAIM_TTL = 120  # a refresh whose worker died is taken over after this


class RosterLoading(LtiError):
    code = "roster_loading"
    default_message = _("The course roster is being loaded from the platform; learners who have not started "
                        "will be listed in a moment.")


def _key(launch: Any) -> str:
    url = (getattr(launch, "nrps", None) or {}).get("context_memberships_url") or ""
    return hashlib.sha256("\x1f".join((launch.issuer, launch.client_id, url)).encode()).hexdigest()


def queue_roster(tool: Any, launch: Any, session: Session, activity_key: str,
                 gettext: Callable[[str], str]) -> dict[str, Any]:
    """``not_started`` from the cached roster, plus ``roster_notice`` (and ``roster_loading``) when it is not there.

    Never calls the platform: a missing or stale roster is refreshed in the background.
    """
    members, problem = cached_members(tool, launch)
    view: dict[str, Any] = {"not_started": []}
    if members is not None:
        started = {r.learner_id for r in SqlStore(session).iter_records(activity_key) if r.status != "not_started"}
        view["not_started"] = not_started(members, started)
    if problem is not None:
        view["roster_notice"] = problem.render(gettext)
        view["roster_loading"] = isinstance(problem, RosterLoading)
    return view


def cached_members(tool: Any, launch: Any) -> tuple[list[dict[str, Any]] | None, LtiError | None]:
    """The stored roster (None if there is none) and why it is missing or being reloaded (None if fresh)."""
    claim = getattr(launch, "nrps", None) or {}
    if not claim.get("context_memberships_url"):
        return None, NrpsUnavailable(_("This platform did not offer the course roster (no NRPS claim in the "
                                       "launch)."))
    store, key = tool.launch_store, _key(launch)
    entry = store.get("roster:" + key)
    members = entry.get("members") if entry else None
    if entry and entry.get("fresh_until", 0) > time.time():
        return members, None
    if store.get("roster-failed:" + key):
        return members, NrpsUnavailable()
    if store.add_once("roster-refresh:" + key, {"at": time.time()}, CLAIM_TTL):
        _refresher().put((tool, launch.issuer, launch.client_id, claim["context_memberships_url"], key))
    return members, (RosterLoading() if members is None else None)


def refresh(tool: Any, issuer: str, client_id: str, url: str, key: str) -> bool:
    """Fetch the roster now and store it (or the failure); True if it was stored. Runs off the request path."""
    store = tool.launch_store
    try:
        with tool.sessions() as session:  # read what the call needs, then close: no transaction spans it
            registration = find_registration(session, issuer, client_id)
            if registration is None:
                raise NrpsUnavailable()
            target = TokenTarget.for_registration(registration)
            signing_key = current_private_key(session)
        members = fetch_members(target, lambda: signing_key, url, tokens=tool.tokens,
                                deadline=tool.settings.outbound_timeout)
        store.put("roster:" + key, {"members": members, "fresh_until": time.time() + FRESH_SECONDS}, KEEP_SECONDS)
        store.delete("roster-failed:" + key)
        return True
    except Exception as exc:  # noqa: BLE001 - any failure is a failed roster, remembered briefly, never a crash
        log.warning("The roster at %s could not be loaded: %s", url.split("?")[0], type(exc).__name__)
        store.put("roster-failed:" + key, {"at": time.time()}, FAILURE_TTL)
        return False
    finally:
        store.delete("roster-refresh:" + key)


# the per-process refresh thread ------------------------------------------------------------------
_jobs: queue.Queue | None = None
_owner_pid = 0
_start_lock = threading.Lock()


def _refresher() -> queue.Queue:
    """This process's job queue, with its thread started on first use (again after a fork)."""
    global _jobs, _owner_pid
    with _start_lock:
        if _jobs is None or _owner_pid != os.getpid():
            _jobs, _owner_pid = queue.Queue(), os.getpid()
            threading.Thread(target=_run, args=(_jobs,), name="plchoice-roster", daemon=True).start()
        return _jobs


def _run(jobs: queue.Queue) -> None:
    while True:
        refresh(*jobs.get())
