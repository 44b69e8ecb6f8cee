"""Fixtures for the LTI tool tests: an app on a temp data dir, a test platform with a loopback JWKS, and the
real demo platform and tool servers of :mod:`.platform_fixtures`."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from lti_tool import create_app

from .helpers.jwks_server import JwksServer
from .helpers.keys import shared_key
from .helpers.platform import TestPlatform

# The demo platform (``lms``) and the tool process (``tool``) as fixtures for every module here
# (``pytest_plugins`` is only allowed in the root conftest).
from .platform_fixtures import lms_fixture, tool_fixture  # noqa: F401


@pytest.fixture(scope="session")
def postgres_server():
    from .helpers.servers import Postgres

    if not Postgres.available():
        pytest.skip("PostgreSQL 15 binaries are not installed in /usr/lib/postgresql/15/bin")
    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database on the session's PostgreSQL server, one per test."""
    import secrets

    return postgres_server.create_database(f"t_{secrets.token_hex(6)}")


@pytest.fixture
def redis_server():
    from .helpers.servers import Redis

    if not Redis.available():
        pytest.skip("redis-server is not installed")
    server = Redis().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 API server over HTTP on loopback, for the whole session (each test takes its own bucket)."""
    from .helpers.servers import S3Server

    if not S3Server.available():
        pytest.skip("moto_server is not installed (pip install -e '.[test]')")
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, monkeypatch):
    """A fresh bucket; the standard AWS variables point at it in this process and in tools started after."""
    from .helpers.s3 import Bucket

    bucket = Bucket(s3_server.url)
    for name, value in bucket.env.items():
        if name != "PLCHOICE_BLOB_URL":
            monkeypatch.setenv(name, value)
    return bucket


@pytest.fixture
def jwks_server():
    server = JwksServer().start()
    yield server
    server.stop()


@pytest.fixture
def make_app(tmp_path):
    """Build an app on a fresh data dir (SQLite), with optional setting overrides."""
    def factory(**overrides: Any):
        config = {"DATA_DIR": str(tmp_path / "data"), "BASE_URL": "http://localhost", "SECRET_KEY": "test-secret",
                  "TESTING": True, **overrides}
        return create_app(config)
    return factory


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def platform(app, jwks_server) -> TestPlatform:
    test_platform = TestPlatform(jwks=jwks_server, key=shared_key("platform"))
    test_platform.register(app)
    return test_platform


@pytest.fixture
def platform_factory(jwks_server):
    """Register a test platform with an app built by the test itself."""
    def factory(app) -> TestPlatform:
        test_platform = TestPlatform(jwks=jwks_server, key=shared_key("platform"))
        test_platform.register(app)
        return test_platform
    return factory


def launch_config(response) -> dict:
    """The JSON config the launch page embeds for the front end."""
    html = response.get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="plc-lti-config">(.*?)</script>', html, re.S)
    assert match, html[:500]
    return json.loads(match.group(1))


def api_headers(config: dict) -> dict:
    transport = config["transport"]
    return {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: transport["csrfToken"]}


def launch_rows(app) -> dict:
    """Counts of what launches store, to prove a refused launch stored nothing."""
    from sqlalchemy import func, select

    from lti_tool.db.models import LaunchValue, LearnerRecordRow, ResourceLinkActivity

    tool = app.extensions["plchoice"]
    with tool.sessions() as session:
        values = list(session.scalars(select(LaunchValue.key)))
        return {
            "used_nonces": sum(1 for key in values if key.startswith("nonce-used:")),
            "launches": sum(1 for key in values if key.startswith("launch:")),
            "states": sum(1 for key in values if key.startswith("state:")),
            "links": session.scalar(select(func.count()).select_from(ResourceLinkActivity)),
            "records": session.scalar(select(func.count()).select_from(LearnerRecordRow)),
        }
