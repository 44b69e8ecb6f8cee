"""The core's store contract on the SQLAlchemy store, for any database URL (SQLite, PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from lti_tool.db import migrate
from lti_tool.db.session import make_engine, make_sessionmaker
from lti_tool.db.store import FileBlobStore, SqlStore
from tests.core.store_contract import StoreContract


class SqlStoreContract(StoreContract):
    """Subclass with a ``database_url`` fixture; each store gets its own session, closed at teardown."""

    @pytest.fixture(autouse=True)
    def _database(self, database_url, tmp_path):
        self.engine = make_engine(database_url)
        migrate.upgrade(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        self.blob_root = tmp_path / "blobs"
        self.opened = []
        yield
        for session in self.opened:
            session.close()
        self.engine.dispose()

    def make_store(self):
        session = self.sessions()
        self.opened.append(session)
        return SqlStore(session)

    def make_blobs(self):
        return FileBlobStore(self.blob_root)

    def bump_from_threads(self, deltas: dict[str, float], per_thread: int, threads: int = 4) -> dict[str, float]:
        """Bump ``deltas`` ``per_thread`` times from each of ``threads`` sessions at once; return the counters."""
        def bump():
            store = SqlStore(self.sessions())
            for _ in range(per_thread):
                with store.atomic():
                    store.bump_counters("act-1", deltas)
            store.session.close()

        workers = [threading.Thread(target=bump) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return self.make_store().get_counters("act-1")

    def blob_paths(self, blobs) -> set:
        return {str(p.relative_to(blobs.root)) for p in blobs.root.rglob("*") if p.is_file()}
