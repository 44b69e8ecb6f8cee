"""Browser tests: Debian's chromium through Playwright against the real xblock-sdk workbench.

Django migrations run once per session into a template SQLite file; every test copies it
and starts its own ``runserver`` on a free port with its own data directory, so tests never
share learners, queues or uploads. Each server is stopped at teardown.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
MAIN = Path(__file__).with_name("workbench_main.py")
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
SCREENSHOTS = ROOT / "test-results" / "screenshots"


def _env(var_dir: Path, db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PLCHOICE_VAR_DIR": str(var_dir), "PLCHOICE_WORKBENCH_DB": str(db),
                "DJANGO_SETTINGS_MODULE": "xblock_plchoice.workbench.settings", "PYTHONPATH": str(ROOT),
                "PYTHONWARNINGS": "ignore"})
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    var_dir = tmp_path_factory.mktemp("workbench-template")
    db = var_dir / "template.db"
    subprocess.run([sys.executable, str(MAIN), "migrate", "--run-syncdb", "-v", "0"], cwd=ROOT,
                   env=_env(var_dir, db), check=True, timeout=300)
    return db


class Workbench:
    """One running workbench: its base URL and the process to stop."""

    def __init__(self, template: Path, var_dir: Path) -> None:
        self.var_dir = var_dir
        db = var_dir / "workbench.db"
        shutil.copyfile(template, db)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (var_dir / "server.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(MAIN), "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT, env=_env(var_dir, db), stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"workbench exited early; see {self.var_dir / 'server.log'}")
            try:
                # One slow first request, never a second one beside it: the workbench loads its
                # scenarios on the first request, and a retry racing that load (a client timeout on a
                # busy machine) could leave it with a partial list; ready means our scenarios are listed.
                with urllib.request.urlopen(self.url + "/", timeout=max(1.0, deadline - time.monotonic())) as response:
                    if response.status == 200 and b"/scenario/plreflection.0/" in response.read():
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError("workbench did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def scenario(self, scenario: str, student: str, view: str = "") -> str:
        path = f"/scenario/{scenario}/{view + '/' if view else ''}"
        return f"{self.url}{path}?student={student}"


@pytest.fixture
def workbench(template_db, tmp_path):
    server = Workbench(template_db, tmp_path)
    yield server
    server.stop()


# Module scope, not session: Playwright's sync API runs an asyncio loop in this thread while it is
# open, and the Django tests that run later in the same pytest process refuse to touch the database
# from a thread with a running loop (SynchronousOnlyOperation). Each module opens and closes its own.
@pytest.fixture(scope="module")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def media_browser(playwright_instance):
    """Chromium with a fake microphone and camera that are granted without a prompt."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS + MEDIA_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser):
    """new_page(locale="en") -> a page in a fresh context that records console errors and dialogs."""
    contexts = []

    def make(locale: str = "en", target=None):
        context = (target or browser).new_context(locale=locale, viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.dialogs = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
