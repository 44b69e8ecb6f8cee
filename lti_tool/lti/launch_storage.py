"""Short-lived launch state every worker must see: OIDC states, used nonces, launch contexts.

Two backends with one small interface: the database (default; one table with an
expiry column) or Redis (``PLCHOICE_REDIS_URL``). The operations that guard
against replay (:meth:`LaunchStore.add_once`, :meth:`LaunchStore.pop`) are
atomic in both, so two workers racing on the same nonce cannot both win.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import Engine, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from lti_tool.db.models import LaunchValue
from lti_tool.db.session import read_engine


class LaunchStore(Protocol):
    def put(self, key: str, value: dict[str, Any], ttl: int) -> None: ...

    def get(self, key: str) -> dict[str, Any] | None: ...

    def add_once(self, key: str, value: dict[str, Any], ttl: int) -> bool:
        """Store ``value`` only if ``key`` is absent; False means someone stored it first."""

    def pop(self, key: str) -> dict[str, Any] | None:
        """Read and delete in one step: only one caller ever gets the value."""

    def delete(self, key: str) -> None: ...

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The live values of ``keys`` that exist, read in one round trip (a launch reads state and nonce)."""

    def consume_login(self, nonce_key: str, nonce_ttl: int, launch_key: str, launch: dict[str, Any],
                      launch_ttl: int) -> bool:
        """In one atomic step: mark the nonce used and save the launch (the state is signed, not stored).

        False, and nothing changed, when the nonce was used already (a replay racing this one).
        """

    def ping(self) -> bool: ...


TABLE = LaunchValue.__table__
# Built once: these run on every login, launch and /api call, and building a statement costs more
# than SQLAlchemy's compiled-statement cache saves afterwards.
_INSERT = insert(TABLE)
_SELECT_MANY = select(TABLE.c.key, TABLE.c.value, TABLE.c.expires_at).where(
    TABLE.c.key.in_(bindparam("keys", expanding=True)))
PURGE_EVERY = 60.0  # seconds between two sweeps of expired launch values (each process, on a write)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes even for timezone-aware columns."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DbLaunchStore:
    """Launch state in ``lti_launch_value``; each call is its own short transaction.

    Every write transaction writes first (no SELECT before the write), so it never works
    from a stale snapshot on any database; on SQLite it also begins IMMEDIATE
    (:mod:`lti_tool.db.session`). Reads use the deferred read engine: a launch validates
    while its own session is open, and a read must never wait for a lock.

    SQLAlchemy Core on a connection, not ORM sessions: these few statements run on every
    login, launch and /api call, and the ORM's unit of work cost more than the SQL itself.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.engine: Engine = sessions.kw["bind"]
        self.read_engine = read_engine(self.engine)
        self._next_purge = 0.0

    @staticmethod
    def _row(key: str, value: dict[str, Any], ttl: int, now: datetime) -> dict[str, Any]:
        return {"key": key, "value": value, "expires_at": now + timedelta(seconds=ttl)}

    def put(self, key: str, value: dict[str, Any], ttl: int) -> None:
        now = _now()
        with self.engine.begin() as connection:
            self._purge_now_and_then(connection, now)
            connection.execute(delete(TABLE).where(TABLE.c.key == key))
            connection.execute(_INSERT, [self._row(key, value, ttl, now)])

    def get(self, key: str) -> dict[str, Any] | None:
        return self.get_many([key]).get(key)

    def add_once(self, key: str, value: dict[str, Any], ttl: int) -> bool:
        now = _now()
        try:
            with self.engine.begin() as connection:
                # An expired holder of the key no longer counts; a live one makes the INSERT fail.
                connection.execute(delete(TABLE).where(TABLE.c.key == key, TABLE.c.expires_at < now))
                connection.execute(_INSERT, [self._row(key, value, ttl, now)])
        except IntegrityError:
            return False
        return True

    def pop(self, key: str) -> dict[str, Any] | None:
        with self.engine.begin() as connection:
            # DELETE ... RETURNING: the row count decides the winner when two workers pop at once.
            row = connection.execute(delete(TABLE).where(TABLE.c.key == key)
                                     .returning(TABLE.c.value, TABLE.c.expires_at)).first()
        if row is None or _aware(row.expires_at) < _now():
            return None
        return row.value

    def delete(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(TABLE).where(TABLE.c.key == key))

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        now = _now()
        with self.read_engine.connect() as connection:
            rows = connection.execute(_SELECT_MANY, {"keys": keys}).all()
        return {key: value for key, value, expires_at in rows if _aware(expires_at) >= now}

    def consume_login(self, nonce_key: str, nonce_ttl: int, launch_key: str, launch: dict[str, Any],
                      launch_ttl: int) -> bool:
        """One INSERT of two rows in one transaction: the nonce's primary key decides a race.

        No DELETE of an expired holder of the nonce first: the nonce was made by our own login, and
        its used-marker outlives every id_token that carries it (``nonce_ttl`` is the token's ``exp``
        plus leeway), so the only earlier holder is a replay, which must fail.
        """
        now = _now()
        try:
            with self.engine.begin() as connection:  # one transaction, one commit per launch
                self._purge_now_and_then(connection, now)
                connection.execute(_INSERT, [self._row(nonce_key, {"at": int(now.timestamp())}, nonce_ttl, now),
                                             self._row(launch_key, launch, launch_ttl, now)])
        except IntegrityError:  # a live nonce-used row: the other launch won, and this one changed nothing
            return False
        return True

    def _purge_now_and_then(self, connection: Any, now: datetime) -> None:
        """Expired rows go once a minute per process, inside a write that is happening anyway."""
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + PURGE_EVERY
            connection.execute(delete(TABLE).where(TABLE.c.expires_at < now))

    def ping(self) -> bool:
        with self.read_engine.connect() as connection:
            connection.execute(select(TABLE.c.key).limit(1))
        return True


class RedisLaunchStore:
    """Launch state in Redis with native expiry; ``SET NX`` and ``GETDEL`` give the atomic steps."""

    def __init__(self, url: str, prefix: str = "plchoice:lti:") -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix

    def put(self, key: str, value: dict[str, Any], ttl: int) -> None:
        self.client.set(self.prefix + key, json.dumps(value), ex=max(ttl, 1))

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self.client.get(self.prefix + key)
        return json.loads(raw) if raw is not None else None

    def add_once(self, key: str, value: dict[str, Any], ttl: int) -> bool:
        return bool(self.client.set(self.prefix + key, json.dumps(value), ex=max(ttl, 1), nx=True))

    def pop(self, key: str) -> dict[str, Any] | None:
        raw = self.client.getdel(self.prefix + key)
        return json.loads(raw) if raw is not None else None

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        values = self.client.mget([self.prefix + key for key in keys])
        return {key: json.loads(raw) for key, raw in zip(keys, values, strict=True) if raw is not None}

    def consume_login(self, nonce_key: str, nonce_ttl: int, launch_key: str, launch: dict[str, Any],
                      launch_ttl: int) -> bool:
        if not self.add_once(nonce_key, {"at": int(time.time())}, nonce_ttl):
            return False
        self.client.set(self.prefix + launch_key, json.dumps(launch), ex=max(launch_ttl, 1))
        return True

    def ping(self) -> bool:
        return bool(self.client.ping())


def make_launch_store(redis_url: str, sessions: sessionmaker[Session]) -> LaunchStore:
    return RedisLaunchStore(redis_url) if redis_url else DbLaunchStore(sessions)


class PyltiLaunchDataStorage(LaunchDataStorage[Any]):
    """pylti1p3's storage interface over ours, so its SessionService (and ``from_cache``) see shared state.

    No session cookie name: keys are global, because our own state binding (cookie or
    platform storage) already ties a launch to its browser.
    """

    _session_cookie_name = ""

    def __init__(self, store: LaunchStore, ttl: int) -> None:
        super().__init__()
        self.store = store
        self.ttl = ttl

    def get_session_cookie_name(self) -> str | None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        found = self.store.get("pylti:" + self._prepare_key(key))
        return found["v"] if found else None

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        self.store.put("pylti:" + self._prepare_key(key), {"v": value}, exp or self.ttl)

    def check_value(self, key: str) -> bool:
        return self.store.get("pylti:" + self._prepare_key(key)) is not None
