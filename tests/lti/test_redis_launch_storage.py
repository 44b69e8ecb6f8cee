"""Launch state in a real redis-server: the app launches with PLCHOICE_REDIS_URL and keeps nothing in the DB."""

from __future__ import annotations

import threading

import pytest

from lti_tool.lti.launch_storage import RedisLaunchStore

from .conftest import api_headers, launch_config, launch_rows

pytestmark = pytest.mark.redis


def test_launch_state_lives_in_redis(make_app, platform_factory, redis_server):
    app = make_app(REDIS_URL=redis_server.url)
    platform = platform_factory(app)
    client = app.test_client()
    login = platform.login(client)
    store = app.extensions["plchoice"].launch_store
    assert isinstance(store, RedisLaunchStore)
    assert store.client.keys(store.prefix + "*") == []  # the state is signed: the login stored nothing
    token = platform.token(login.nonce)
    response = platform.post_launch(client, token, login.state)
    assert response.status_code == 200, response.get_data(as_text=True)
    config = launch_config(response)
    assert store.get("nonce-used:" + login.nonce) is not None
    assert 0 < store.client.ttl(store.prefix + "launch:" + config["transport"]["launchId"]) <= 8 * 3600
    assert client.post("/api/state", json={}, headers=api_headers(config)).status_code == 200
    rows = launch_rows(app)
    assert rows["used_nonces"] == rows["launches"] == rows["states"] == 0  # nothing of it in the database
    replay = platform.post_launch(app.test_client(), token, login.state)
    assert replay.status_code == 403 and "replayed_token" in replay.get_data(as_text=True)
    assert app.test_client().get("/readyz").json["checks"]["redis"] == "ok"


def test_redis_nonce_race_has_one_winner(redis_server):
    store = RedisLaunchStore(redis_server.url)
    barrier = threading.Barrier(8)
    wins = []

    def race():
        barrier.wait()
        wins.append(store.add_once("nonce-used:race", {"at": 1}, 30))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]
    store.put("launch:y", {"b": 2}, 30)
    assert store.pop("launch:y") == {"b": 2} and store.pop("launch:y") is None


def test_health_reports_an_unreachable_redis(make_app):
    from .helpers.servers import free_port

    app = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    health = app.test_client().get("/readyz")
    assert health.status_code == 503 and health.json["failing"] == ["redis"]
    assert health.json["checks"]["redis"].startswith("error")
