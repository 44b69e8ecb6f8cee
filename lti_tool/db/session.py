"""Engines and sessions.

SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` so several gunicorn
workers (and the AGS outbox thread) can write the same file: a writer waits
for the lock instead of failing. Foreign keys are switched on because SQLite
leaves them off by default.

Why IMMEDIATE: in WAL mode a transaction that *reads first and writes later*
fails at once (``SQLITE_BUSY_SNAPSHOT``; the busy timeout does not apply) when
another connection committed in between. Taking the write lock at ``BEGIN``
makes such transactions queue instead. The price is that one transaction of a
thread that holds the lock blocks a second connection of the same thread that
wants it too, and that a slow reader blocks writers; so pure reads that may
wait on the network, stream, or run while the same thread holds a writer use
:func:`reader` (a deferred ``BEGIN``: WAL readers never wait for a writer).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_SECONDS = 30
BEGIN_OPTION = "plchoice_sqlite_begin"  # execution option: "IMMEDIATE" (default) or "DEFERRED"


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the per-dialect settings the tool relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001 - DBAPI objects are untyped
            # pysqlite's own transaction handling breaks SAVEPOINTs (a RELEASE commits);
            # we issue BEGIN ourselves instead (below).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit is durable once it is in the WAL file, so it survives a crash
            # of the process (a consumed nonce stays consumed); only a power cut or OS crash may lose the
            # last commits. FULL would fsync on every commit, doubling a launch's database time.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):  # noqa: ANN001
            # IMMEDIATE: take the write lock now and wait for it up to the busy timeout, so a
            # transaction that reads, then writes, never loses a race it cannot retry.
            if connection.get_execution_options().get(BEGIN_OPTION) == "DEFERRED":
                connection.exec_driver_sql("BEGIN")
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def read_engine(engine: Engine) -> Engine:
    """``engine`` for reads only: on SQLite its transactions begin deferred (see :func:`reader`)."""
    return engine.execution_options(**{BEGIN_OPTION: "DEFERRED"})


def reader(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions on the same database whose transactions do not take SQLite's write lock.

    For reads only: a write in such a transaction after another connection committed
    fails with "database is locked". On PostgreSQL this is the same as ``sessions``.
    """
    found = getattr(sessions, "_plchoice_reader", None)
    if found is None:  # made once per sessionmaker: an option engine shares the pool, it is not a new one
        engine: Engine = sessions.kw["bind"]
        found = sessionmaker(bind=read_engine(engine), expire_on_commit=False)
        sessions._plchoice_reader = found  # type: ignore[attr-defined]
    return found


def get_session() -> Session:
    """A new session on the current app's database (the caller closes it)."""
    return current_app.extensions["plchoice"].sessions()


@contextmanager
def session_scope(sessions: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session = sessions() if sessions is not None else get_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
