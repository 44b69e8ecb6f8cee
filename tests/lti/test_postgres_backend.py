"""The PostgreSQL backend on a real throwaway server: migrations, the store contract, launches, nonce races."""

from __future__ import annotations

import threading

import pytest

from lti_tool.cli import main as cli_main
from lti_tool.lti.launch_storage import DbLaunchStore
from tests.core.store_contract import record

from .conftest import api_headers, launch_config, launch_rows
from .helpers.keys import shared_key
from .helpers.platform import TestPlatform
from .sql_store_harness import SqlStoreContract

pytestmark = pytest.mark.postgres


class TestPostgresStore(SqlStoreContract):
    @pytest.fixture
    def database_url(self, postgres_url):
        return postgres_url

    def test_counters_from_many_threads_add_up(self):
        assert self.bump_from_threads({"chosen": 1, "submitted": 2}, per_thread=25) == {"chosen": 100, "submitted": 200}

    def test_concurrent_first_saves_conflict(self):
        first, second = self.make_store(), self.make_store()
        with first.atomic():
            first.save_record(record("carol"), 0)
        from xblock_plchoice.core.errors import Conflict
        with pytest.raises(Conflict):
            with second.atomic():
                second.save_record(record("carol"), 0)

    def test_a_nonce_is_consumed_by_exactly_one_racer(self):
        store = DbLaunchStore(self.sessions)
        wins = []
        barrier = threading.Barrier(6)

        def race():
            barrier.wait()
            wins.append(store.add_once("nonce-used:n1", {"at": 1}, 60))

        threads = [threading.Thread(target=race) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(wins) == [False] * 5 + [True]
        store.put("launch:x", {"a": 1}, 60)
        assert store.pop("launch:x") == {"a": 1} and store.pop("launch:x") is None


def test_launch_and_api_on_postgres(postgres_url, tmp_path, monkeypatch, jwks_server):
    monkeypatch.setenv("PLCHOICE_DATABASE_URL", postgres_url)
    monkeypatch.setenv("PLCHOICE_DATA_DIR", str(tmp_path / "data"))
    assert cli_main(["init"]) == 0  # PostgreSQL is migrated by `init`, not by the app
    from lti_tool import create_app

    app = create_app({"BASE_URL": "http://localhost", "SECRET_KEY": "pg", "TESTING": True})
    assert app.extensions["plchoice"].engine.dialect.name == "postgresql"
    platform = TestPlatform(jwks=jwks_server, key=shared_key("platform"))
    platform.register(app)
    client = app.test_client()
    response, login, token = platform.launch(client)
    assert response.status_code == 200, response.get_data(as_text=True)
    config = launch_config(response)
    chosen = client.post("/api/choose", json={"option_id": "record"}, headers=api_headers(config))
    assert chosen.status_code == 200 and chosen.json["me"]["option_id"] == "record"
    replay = platform.post_launch(app.test_client(), token, login.state)
    assert replay.status_code == 403
    assert launch_rows(app)["used_nonces"] == 1 and launch_rows(app)["records"] == 1
    assert client.get("/readyz").json["checks"]["database"] == "ok"
    app.extensions["plchoice"].engine.dispose()
