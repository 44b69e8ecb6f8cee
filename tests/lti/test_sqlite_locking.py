"""SQLite under concurrent writers: a transaction that reads, then writes, waits for the lock instead of
failing with "database is locked" (SQLITE_BUSY_SNAPSHOT) when another connection commits in between;
readers never wait; the launch store's atomic steps hold under many threads."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from lti_tool.db import migrate
from lti_tool.db.models import LaunchValue
from lti_tool.db.session import make_engine, make_sessionmaker, reader
from lti_tool.db.store import SqlStore
from lti_tool.lti.launch_storage import DbLaunchStore
from tests.core.store_contract import record


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.sqlite3'}")
    migrate.upgrade(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_read_then_write_waits_for_a_writer_that_commits_in_between(sessions):
    """The race behind the 500s on launch and the false 409s on /api/review, made deterministic."""
    with sessions() as session:
        store = SqlStore(session)
        with store.atomic():
            store.save_record(record("ana", status="chosen"), 0)
    read_done, errors, order = threading.Event(), [], []

    def reviewer() -> None:  # like /api/review: read the record, then write it
        store = SqlStore(sessions())
        try:
            loaded = store.get_record("act-1", "ana")
            read_done.set()
            time.sleep(0.3)  # the outbox commits now (or tries to)
            loaded.version, loaded.status = 2, "mastered"
            with store.atomic():
                store.save_record(loaded, 1)
            order.append("review")
        except Exception as exc:  # noqa: BLE001 - reported below, with its type
            errors.append(repr(exc))
        finally:
            store.session.close()

    def outbox() -> None:  # like the AGS outbox marking a grade delivered
        read_done.wait(5)
        try:
            DbLaunchStore(sessions).put("launch:other", {"n": 1}, 60)
            order.append("outbox")
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=reviewer), threading.Thread(target=outbox)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert order == ["review", "outbox"]  # the second writer queued behind the first instead of failing it
    with sessions() as session:
        assert SqlStore(session).get_record("act-1", "ana").status == "mastered"


def test_readers_do_not_wait_for_a_writer(sessions):
    writer = sessions()
    writer.execute(text("INSERT INTO lti_launch_value (key, value, expires_at) VALUES ('k', '{}', '2999-01-01')"))
    try:  # the writer holds the lock and has not committed
        started = time.monotonic()
        with reader(sessions)() as session:
            assert session.scalars(select(LaunchValue.key)).all() == []
        assert DbLaunchStore(sessions).get("k") is None
        assert time.monotonic() - started < 2
    finally:
        writer.rollback()
        writer.close()


def test_launch_store_atomic_steps_under_many_threads(sessions):
    store = DbLaunchStore(sessions)
    won, popped, errors = [], [], []

    def worker(n: int) -> None:
        try:
            if store.add_once("nonce-used:same", {"by": n}, 60):
                won.append(n)
            store.put(f"launch:{n}", {"n": n}, 60)  # read-free writes in parallel with the others
            store.put("state:shared", {"n": n}, 60)
            value = store.pop("state:shared")
            if value is not None:
                popped.append(value["n"])
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(won) == 1 and store.get("nonce-used:same") == {"by": won[0]}
    assert all(store.get(f"launch:{n}") == {"n": n} for n in range(12))
    assert 1 <= len(popped) <= 12 and len(set(popped)) == len(popped)  # each value popped at most once
    assert store.get("state:shared") is None  # every put is followed by a pop


def test_expired_values_are_replaced_and_never_returned(sessions):
    store = DbLaunchStore(sessions)
    store.put("state:old", {"v": 1}, 0)
    time.sleep(0.01)
    assert store.get("state:old") is None and store.pop("state:old") is None
    assert store.add_once("nonce-used:n", {"v": 1}, 0)
    time.sleep(0.01)
    assert store.add_once("nonce-used:n", {"v": 2}, 60)  # the expired holder no longer counts
    assert not store.add_once("nonce-used:n", {"v": 3}, 60)
    assert store.pop("nonce-used:n") == {"v": 2} and store.pop("nonce-used:n") is None
