"""Ralph (``ralph-malph``, the Open edX ecosystem's LRS) in a virtualenv of its own.

Its ``[cli]`` extra pins an older click than ours, so it never shares the project's
venv: the first test that needs it builds ``.venv-ralph`` with pip from the registry
(``scripts/system_deps.sh`` builds it up front for ``make test``), and everything
Ralph does (validating statements, serving the LRS) runs there as a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RALPH_VENV = Path(os.environ.get("PLCHOICE_RALPH_VENV", ROOT / ".venv-ralph"))
# Ralph's API imports ``requests`` (its OIDC module) without declaring it in the ``lrs`` extra.
RALPH_REQUIREMENTS = ("ralph-malph[cli,lrs]==5.1.0", "requests")


def ralph_python() -> Path:
    """The Ralph venv's interpreter, building the venv first if it is missing or incomplete."""
    python = RALPH_VENV / "bin" / "python"
    marker = RALPH_VENV / ".plchoice-installed"
    wanted = " ".join(RALPH_REQUIREMENTS)
    if not marker.exists() or marker.read_text() != wanted:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(RALPH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *RALPH_REQUIREMENTS], check=True, timeout=900)
        marker.write_text(wanted)
    return python


_VALIDATE = r"""
import json, sys
from ralph.models.xapi.base.statements import BaseXapiStatement
errors = []
for number, statement in enumerate(json.load(sys.stdin)):
    try:
        BaseXapiStatement(**statement)
    except Exception as exc:
        errors.append(f"statement {number}: {exc}")
json.dump(errors, sys.stdout)
"""


def validation_errors(statements: list[dict]) -> list[str]:
    """What Ralph's pydantic xAPI models say is wrong with each statement (empty: all valid)."""
    done = subprocess.run([str(ralph_python()), "-c", _VALIDATE], input=json.dumps(statements), text=True,
                          capture_output=True, timeout=120, check=True)
    return json.loads(done.stdout)


# The LRS itself ---------------------------------------------------------------------------------------------
# Ralph's filesystem backend writes each statement batch with operation type CREATE, which refuses a file
# that exists: only the first POST/PUT is kept and every later one answers 500. The launcher below makes the
# backend append instead. It patches Ralph in the test fixture's process only, never our product.
_LAUNCH = r"""
import sys
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
FSDataBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


class RalphServer:
    """Ralph's LRS on loopback with its filesystem backend and an HTTP Basic auth file; restartable on its port."""

    username = "plchoice-tool"
    password = "lrs-secret-for-tests"

    def __init__(self, workdir: Path) -> None:
        import socket

        self.workdir = workdir
        self.data = workdir / "statements"
        self.data.mkdir(parents=True, exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.endpoint = self.url + "/xAPI/"
        self.python = ralph_python()
        self.env = {**os.environ, "RALPH_APP_DIR": str(workdir / "app"), "RALPH_AUTH_FILE": str(workdir / "auth.json"),
                    "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data)}
        (workdir / "app").mkdir(exist_ok=True)
        subprocess.run([str(self.python), "-m", "ralph", "auth", "-u", self.username, "-p", self.password,
                        "-s", "all", "-M", "mailto:plchoice-tool@example.org", "-w"], env=self.env, check=True,
                       capture_output=True, timeout=120)
        self.process: subprocess.Popen | None = None
        self.log = workdir / "ralph.log"

    def start(self) -> RalphServer:
        import time

        import requests

        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([str(self.python), "-c", _LAUNCH, str(self.port)], env=self.env,
                                            stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/__heartbeat__", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("Ralph did not answer its heartbeat in 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def statements(self) -> list[dict]:
        """Every statement the LRS holds, read back through ``GET /xAPI/statements`` (following ``more``)."""
        import requests

        found: list[dict] = []
        url = self.endpoint + "statements?limit=100"
        while url:
            answer = requests.get(url, auth=(self.username, self.password), timeout=10,
                                  headers={"X-Experience-API-Version": "1.0.3"})
            answer.raise_for_status()
            body = answer.json()
            found.extend(body["statements"])
            more = body.get("more")
            url = (self.url + more) if more else ""
        return found
