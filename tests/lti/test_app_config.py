"""The app factory and its PLCHOICE_* settings."""

from __future__ import annotations

import pytest

from lti_tool import OPTIONAL_BLUEPRINTS, create_app
from lti_tool.config import ConfigError, load_settings, secret_key_for


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLCHOICE_BASE_URL", "https://tool.example/")
    monkeypatch.setenv("PLCHOICE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLCHOICE_JWT_LEEWAY", "15")
    monkeypatch.setenv("PLCHOICE_REDIS_URL", "redis://127.0.0.1:1/0")
    settings = load_settings()
    assert settings.jwt_leeway == 15 and settings.redis_url == "redis://127.0.0.1:1/0"
    assert settings.launch_url == "https://tool.example/lti/launch"
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve() / 'plchoice.sqlite3'}"
    assert load_settings({"JWT_LEEWAY": 5}).jwt_leeway == 5  # explicit config wins


@pytest.mark.parametrize("overrides, words", [
    ({"JWT_LEEWAY": "-1"}, "must not be negative"),
    ({"JWT_LEEWAY": "later"}, "whole number"),
    ({"COOKIE_SECURE": "maybe"}, "true or false"),
    ({"BASE_URL": "tool.example"}, "must start with http"),
    ({"NO_SUCH": "x"}, "Unknown setting"),
])
def test_bad_settings_say_what_is_wrong(overrides, words):
    with pytest.raises(ConfigError, match=words):
        load_settings(overrides, environ={})


def test_generated_secret_key_is_shared_by_every_worker(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path)}, environ={})
    first, second = secret_key_for(settings), secret_key_for(settings)
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_create_app_from_environment_only(monkeypatch, tmp_path):
    monkeypatch.setenv("PLCHOICE_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("PLCHOICE_OUTBOX_WORKER", "0")  # not a TESTING app: keep the delivery thread out of pytest
    app = create_app()
    client = app.test_client()
    health = client.get("/readyz")
    assert health.status_code == 200 and health.json["checks"]["database"] == "ok"
    assert health.headers["Referrer-Policy"] == "no-referrer"
    assert (tmp_path / "d" / "plchoice.sqlite3").exists()


def test_optional_blueprints_are_registered_when_present(app):
    import importlib

    for name in OPTIONAL_BLUEPRINTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        assert module.bp.name in app.blueprints


def test_static_front_end_is_served(app):
    response = app.test_client().get("/static/plchoice/js/lti/bootstrap.js")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/javascript")
    assert b"makeLtiTransport" in response.data
    assert app.test_client().get("/static/plchoice/../../lti_tool/config.py").status_code == 404


def test_api_errors_are_json_and_pages_html(app):
    client = app.test_client()
    assert client.get("/api/state").status_code == 405
    assert client.get("/api/state").json["error"] == "method_not_allowed"
    assert client.get("/lti/launch").status_code == 405
