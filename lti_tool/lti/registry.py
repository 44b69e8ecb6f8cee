"""Registrations, deployments and link mappings as launches see them: cached per process, never stale.

A launch used to look its registration up twice (login and launch), its
deployment once and its resource link's activity twice: five queries for
facts that change a few times a year. They now live in this process's memory,
plain frozen data rather than ORM rows (nothing lazy-loads behind a launch's
back, and no session is held by the cache).

Removal must still be immediate on every node: every change of registrations
(``plchoice-lti platform add`` / ``remove``, dynamic registration) writes a new
random *registry version* in the database, in the same transaction as the
change (:func:`bump_version`). Each process re-reads that one value at most
every :data:`CHECK_EVERY` seconds and drops its whole cache when it differs,
so a removed platform stops launching on every node within half a second, and
a busy worker pays one tiny indexed read per half second instead of five per
launch. Activities are never moved between registrations; their only deletion
is the cascade of a registration's removal, which bumps the version too.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from lti_tool.db.models import Activity, LaunchValue, Registration, ResourceLinkActivity

VERSION_KEY = "registry-version"
CHECK_EVERY = 0.5  # seconds a process trusts its cache before it re-reads the version
MAX_ENTRIES = 10_000  # a flood of unknown issuers cannot grow the cache without bound
NEVER = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class KnownRegistration:
    """What a launch needs of a :class:`~lti_tool.db.models.Registration` row (same attribute names)."""

    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    audience: str | None
    deployment_ids: frozenset[str]

    @classmethod
    def of(cls, row: Registration) -> KnownRegistration:
        return cls(id=row.id, issuer=row.issuer, client_id=row.client_id, auth_login_url=row.auth_login_url,
                   auth_token_url=row.auth_token_url, key_set_url=row.key_set_url, audience=row.audience,
                   deployment_ids=frozenset(d.deployment_id for d in row.deployments))


@dataclass(frozen=True)
class KnownActivity:
    """Who may open an activity (:mod:`.activity_owner` reads these two fields)."""

    id: str
    registration_id: int | None
    course_key: str


def bump_version(session: Session) -> None:
    """Tell every process that registrations changed; call it in the transaction that changes them."""
    session.execute(delete(LaunchValue).where(LaunchValue.key == VERSION_KEY))
    session.add(LaunchValue(key=VERSION_KEY, value={"v": secrets.token_hex(8)}, expires_at=NEVER))
    session.flush()


class Registry:
    """The per-process cache; thread safe (gthread workers share one)."""

    def __init__(self, check_every: float = CHECK_EVERY) -> None:
        self.check_every = check_every
        self._lock = threading.Lock()
        self._version: object = None
        self._checked = float("-inf")
        self._registrations: dict[tuple[str, str], KnownRegistration | None] = {}
        self._links: dict[tuple[int, str, str], str] = {}
        self._activities: dict[str, KnownActivity | None] = {}

    def _fresh(self, session: Session) -> None:
        """Drop everything when the registry version changed (checked at most every ``check_every`` s)."""
        now = time.monotonic()
        if now - self._checked < self.check_every:
            return
        version = session.scalar(select(LaunchValue.value).where(LaunchValue.key == VERSION_KEY))
        with self._lock:
            if version != self._version:
                self._registrations.clear()
                self._links.clear()
                self._activities.clear()
                self._version = version
            self._checked = now

    def _remember(self, table: dict, key: object, value: object) -> None:
        with self._lock:
            if len(table) >= MAX_ENTRIES:
                table.clear()
            table[key] = value

    def registration(self, session: Session, issuer: str, client_id: str) -> KnownRegistration | None:
        self._fresh(session)
        key = (issuer, client_id)
        if key in self._registrations:
            return self._registrations[key]
        row = session.scalars(select(Registration).options(selectinload(Registration.deployments))
                              .where(Registration.issuer == issuer, Registration.client_id == client_id)).first()
        found = KnownRegistration.of(row) if row is not None else None
        self._remember(self._registrations, key, found)
        return found

    def linked_activity(self, session: Session, registration_id: int, deployment_id: str,
                        resource_link_id: str) -> str | None:
        """The activity a resource link was mapped to on its first launch (mappings never change)."""
        self._fresh(session)
        key = (registration_id, deployment_id, resource_link_id)
        if key in self._links:
            return self._links[key]
        found = session.scalar(select(ResourceLinkActivity.activity_id).where(
            ResourceLinkActivity.registration_id == registration_id,
            ResourceLinkActivity.deployment_id == deployment_id,
            ResourceLinkActivity.resource_link_id == resource_link_id))
        if found is not None:  # an unmapped link is mapped by this very launch: do not cache the miss
            self._remember(self._links, key, found)
        return found

    def activity(self, session: Session, activity_id: str) -> KnownActivity | None:
        self._fresh(session)
        if activity_id in self._activities:
            return self._activities[activity_id]
        row = session.get(Activity, activity_id)
        found = KnownActivity(row.id, row.registration_id, row.course_key) if row is not None else None
        if found is not None:  # deep linking may create it any moment: only existing ones are cached
            self._remember(self._activities, activity_id, found)
        return found
