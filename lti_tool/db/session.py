"""Engines and sessions.

SQLite gets WAL and a busy timeout so several gunicorn workers can write the
same file without "database is locked"; foreign keys are switched on because
SQLite leaves them off by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the per-dialect settings the tool relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001 - DBAPI objects are untyped
            # pysqlite's own transaction handling breaks SAVEPOINTs (a RELEASE commits);
            # we issue BEGIN ourselves instead (below).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):  # noqa: ANN001
            # Deferred, so readers never queue behind a writer (WAL). A read-then-write transaction
            # that loses a race fails with "database is locked"; SqlStore.atomic turns that into
            # the core's Conflict (409, "reload and try again"), like a version clash.
            connection.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


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
