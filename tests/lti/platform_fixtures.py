"""The demo platform and the tool as real HTTP servers on free loopback ports.

``lms`` (factory): a :class:`demo_platform.PlatformServer` in a thread, shaped
generic, moodle or canvas. ``tool`` (factory): the tool in its own process
(``python -m demo_platform.tool_runner``, or gunicorn with ``gunicorn_workers=N``; either way
``create_app`` starts the AGS outbox thread), set up
with the real ``plchoice-lti`` CLI, so a test can kill and restart it.
``connect(lms, tool)`` registers each with the other, as an admin would.
:class:`Browser` drives the OIDC dance over HTTP the way a browser does.
Everything started here is stopped at teardown. ``conftest.py`` imports the two fixtures, so
test modules use ``lms`` and ``tool`` without importing them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import requests

from demo_platform import PlatformServer

ROOT = Path(__file__).resolve().parents[2]
FAST_OUTBOX = {"PLCHOICE_OUTBOX_POLL": "0.2", "PLCHOICE_OUTBOX_BACKOFF_BASE": "0.2",
               "PLCHOICE_OUTBOX_BACKOFF_MAX": "1.0", "PLCHOICE_AGS_TIMEOUT": "1.0", "PLCHOICE_OUTBOX_LEASE": "4"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ToolServer:
    """The tool in a child process on a fixed (free) port, so a restart keeps its URL."""

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None, gunicorn_workers: int = 0) -> None:
        self.gunicorn_workers = gunicorn_workers  # >0: `gunicorn "lti_tool:create_app()"`, as deployed
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.env = {**os.environ, "PLCHOICE_BASE_URL": self.url, "PLCHOICE_DATA_DIR": str(data_dir),
                    "PLCHOICE_SECRET_KEY": "e2e-secret", "PLCHOICE_COOKIE_SECURE": "false",
                    "PYTHONPATH": str(ROOT), **FAST_OUTBOX, **(extra_env or {})}
        self.process: subprocess.Popen | None = None
        self.log = data_dir.parent / f"tool-{self.port}.log"

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "lti_tool.cli", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    def start(self) -> ToolServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            if self.gunicorn_workers:
                command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(self.gunicorn_workers),
                           "--bind", f"127.0.0.1:{self.port}", "lti_tool:create_app()"]
            else:
                command = [sys.executable, "-m", "demo_platform.tool_runner", "--port", str(self.port)]
            self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the tool exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("the tool did not become healthy in 60 s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def crash(self) -> None:
        """SIGKILL: no cleanup at all, as a power cut or an OOM kill."""
        self.stop(signal.SIGKILL)

    def restart(self) -> None:
        self.stop()
        self.start()

    def sessions(self):
        from lti_tool.db.session import make_engine, make_sessionmaker

        url = self.env.get("PLCHOICE_DATABASE_URL") or f"sqlite:///{self.data_dir.resolve() / 'plchoice.sqlite3'}"
        return make_sessionmaker(make_engine(url))


def connect(lms: PlatformServer, tool: ToolServer, client_id: str = "demo-client") -> dict[str, str]:
    """Register the tool on the platform and the platform in the tool (``plchoice-lti platform add``)."""
    client = lms.register_tool(tool.url, client_id=client_id)
    tool.cli("platform", "add", "--issuer", lms.url, "--client-id", client_id, "--auth-login-url",
             lms.url + "/auth", "--auth-token-url", lms.url + "/token", "--key-set-url", lms.url + "/jwks",
             "--deployment-id", client.deployment_id)
    return {"client_id": client_id, "deployment_id": client.deployment_id}


def parse_form(html: str, form_id: str | None = None) -> tuple[str, dict[str, str]]:
    doc = lxml.html.fromstring(html)
    forms = doc.xpath(f"//form[@id='{form_id}']") if form_id else doc.xpath("//form")
    assert forms, html[:800]
    form = forms[0]
    return form.get("action"), {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")}


def launch_config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="plc-lti-config">(.*?)</script>', html, re.S)
    assert match, html[:800]
    return json.loads(match.group(1))


class Browser:
    """One person's browser: cookies, redirects and the auto-submitting forms, over real HTTP."""

    def __init__(self, lms: PlatformServer, tool: ToolServer, user: str, client_id: str = "demo-client") -> None:
        self.lms, self.tool, self.user, self.client_id = lms, tool, user, client_id
        self.http = requests.Session()

    def launch(self, kind: str = "link", link: str | None = None, placement: str | None = None) -> requests.Response:
        data = {"user": self.user, "kind": kind, "client_id": self.client_id}
        if link:
            data["link"] = link
        if placement:
            data["placement"] = placement
        at_platform = self.http.post(self.lms.url + "/launch", data=data, timeout=30)
        assert at_platform.status_code == 200, self.diagnose(at_platform)
        action, fields = parse_form(at_platform.text, "lti")
        assert set(fields) == {"id_token", "state"}
        return self.http.post(action, data=fields, timeout=30)

    def diagnose(self, response: requests.Response) -> str:
        """The failing answer, which hop gave it, and the tool's last log lines (a tool 500 logs its cause)."""
        hops = " -> ".join(f"{r.status_code} {r.url.split('?')[0]}" for r in [*response.history, response])
        log = getattr(self.tool, "log", None)
        tail = log.read_text(errors="replace")[-2500:] if log and log.exists() else ""
        return f"{hops}\n{response.text[:600]}\n--- tool log ---\n{tail}"

    def api(self, page_html: str, command: str, payload: dict | None = None) -> requests.Response:
        config = launch_config(page_html)
        transport = config["transport"]
        headers = {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: transport["csrfToken"]}
        return self.http.post(f"{transport['apiBase']}/{command}", json=payload or {}, headers=headers, timeout=30)

    def deep_link(self, definition: dict[str, Any]) -> dict[str, Any]:
        """Instructor: open the deep-linking page, create ``definition``, return the platform's new link."""
        page = self.launch("deep_link", placement="assignment_selection")
        assert page.status_code == 200, self.diagnose(page)
        fields = dl_fields(page.text)
        answer = self.http.post(self.tool.url + "/lti/deep-link/create", json={"definition": definition},
                                headers={"X-PLChoice-Launch": fields["launch_id"],
                                         "X-PLChoice-CSRF": fields["csrf_token"], "Accept": "application/json"},
                                timeout=30)
        assert answer.status_code == 200, answer.text[:800]
        body = answer.json()
        before = len(platform_state(self.lms)["links"])
        back = self.http.post(body["return_url"], data={"JWT": body["jwt"]}, timeout=30)
        assert back.status_code == 200, back.text[:800]
        links = platform_state(self.lms)["links"]
        assert len(links) == before + 1
        return {**links[-1], "activity_id": body["activity_id"]}


def dl_fields(html: str) -> dict[str, str]:
    """launch_id and csrf_token from the deep-linking page's forms."""
    doc = lxml.html.fromstring(html)
    return {name: doc.xpath(f"//input[@name='{name}']/@value")[0] for name in ("launch_id", "csrf_token")}


def platform_state(lms: PlatformServer) -> dict[str, Any]:
    return requests.get(lms.url + "/_state", timeout=10).json()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2, message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


@pytest.fixture(name="lms")
def lms_fixture():
    started: list[PlatformServer] = []

    def factory(shape: str = "generic") -> PlatformServer:
        server = PlatformServer(shape).start()
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture(name="tool")
def tool_fixture(tmp_path):
    started: list[ToolServer] = []

    def factory(*, gunicorn_workers: int = 0, **extra_env: str) -> ToolServer:
        server = ToolServer(tmp_path / f"tool-{len(started)}", extra_env, gunicorn_workers)
        server.data_dir.mkdir(parents=True, exist_ok=True)
        server.cli("init")
        started.append(server.start())
        return server

    yield factory
    for server in started:
        server.stop()
