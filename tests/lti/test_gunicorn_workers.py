"""Two gunicorn workers share launch state: the login lands on one worker, the launch on the other.

gunicorn's access log records the worker pid of every request, so the test proves which worker
served what. It does not hope the kernel splits the two requests: a sync worker that has accepted a
connection whose request is still arriving serves nobody else, so the test parks one worker on such
a stalled connection before each request, and the request must go to the other one.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from lti_tool import create_app

from .helpers.keys import shared_key
from .helpers.platform import TestPlatform
from .helpers.servers import Redis, free_port, stop, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


class HttpClient:
    """The subset of Flask's test client TestPlatform uses, over real HTTP with a cookie jar."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, path: str, query_string=None, headers=None):
        return Response(self.http.get(self.base + path, params=query_string, headers=headers,
                                      allow_redirects=False, timeout=30))

    def post(self, path: str, data=None, json=None, headers=None):
        return Response(self.http.post(self.base + path, data=data, json=json, headers=headers,
                                       allow_redirects=False, timeout=30))


class Response:
    def __init__(self, response: requests.Response) -> None:
        self.raw = response
        self.status_code = response.status_code
        self.headers = response.headers

    def get_data(self, as_text: bool = False):
        return self.raw.text if as_text else self.raw.content

    @property
    def json(self):
        return self.raw.json()


def pids_for(log: Path, marker: str) -> list[str]:
    return [line.split()[0] for line in log.read_text().splitlines() if marker in line]


class StalledRequest:
    """A connection whose request line is sent but whose headers never end: it holds one sync worker.

    ``finish()`` completes it (a plain ``/healthz``) and waits for the answer, so that worker is free again.
    """

    def __init__(self, port: int, tag: str) -> None:
        self.tag = tag
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(f"GET /healthz?stall={tag} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        time.sleep(0.3)  # the kernel hands it to a free worker, which then blocks reading the headers

    def finish(self) -> None:
        self.sock.sendall(b"Connection: close\r\n\r\n")
        while self.sock.recv(65536):
            pass
        self.sock.close()


@pytest.mark.parametrize("storage", ["database", pytest.param("redis", marks=pytest.mark.redis)])
def test_login_on_one_worker_launch_on_the_other(tmp_path, jwks_server, storage):
    redis = Redis().start() if storage == "redis" else None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PLCHOICE_DATA_DIR": str(tmp_path / "data"), "PLCHOICE_BASE_URL": base,
           "PLCHOICE_SECRET_KEY": "workers", "PLCHOICE_COOKIE_SECURE": "false", "PYTHONPATH": str(ROOT),
           "PLCHOICE_REDIS_URL": redis.url if redis else ""}
    setup_app = create_app({"DATA_DIR": env["PLCHOICE_DATA_DIR"], "BASE_URL": base, "SECRET_KEY": "workers",
                            "OUTBOX_WORKER": False})  # only registers the platform: no delivery thread here
    platform = TestPlatform(jwks=jwks_server, key=shared_key("platform"))
    platform.register(setup_app)
    setup_app.extensions["plchoice"].engine.dispose()
    log = tmp_path / "access.log"
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log),
         "--access-logformat", "%(p)s %(r)s %(s)s", "lti_tool:create_app()"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, server)
        crossed = None
        for attempt in range(5):
            client = HttpClient(base)
            hold_first = StalledRequest(port, f"a{attempt}")  # worker X is busy: the login goes to Y
            login = platform.login(client, method="get", login_hint=f"attempt-{attempt}",
                                   target_link_uri=base + "/lti/launch")
            assert login.response.status_code == 302, login.response.get_data(as_text=True)
            hold_second = StalledRequest(port, f"b{attempt}")  # now Y is busy ...
            hold_first.finish()  # ... and X is free again: the launch goes to X
            response = client.post(f"/lti/launch?attempt={attempt}",
                                   data={"id_token": platform.token(login.nonce), "state": login.state})
            hold_second.finish()
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            time.sleep(0.05)  # the access log line is written after the response
            login_pid = pids_for(log, f"login_hint=attempt-{attempt}&")
            launch_pid = pids_for(log, f"/lti/launch?attempt={attempt} ")
            if login_pid and launch_pid and login_pid != launch_pid:
                crossed = (client, response)
                break
        assert crossed, "a login and its launch were never served by different workers"
        client, response = crossed
        html = response.get_data(as_text=True)
        launch_id = re.search(r'"launchId": ?"([^"]+)"', html).group(1)
        csrf = re.search(r'"csrfToken": ?"([^"]+)"', html).group(1)
        headers = {"X-PLChoice-Launch": launch_id, "X-PLChoice-CSRF": csrf}
        for _ in range(4):  # whichever worker answers, the launch is known
            assert client.post("/api/state", json={}, headers=headers).status_code == 200
        assert len(set(pids_for(log, "/api/state"))) >= 1
    finally:
        stop(server)
        if redis:
            redis.stop()
