"""``make demo`` (scripts/demo.sh) stops every process it started when the script gets SIGTERM.

Before, a plain ``kill`` of the script stopped ``python -m demo_platform`` but not the tool it had
started as a child, which kept its port. The test starts the real script on free ports, waits for
it to say it is running, remembers every descendant process, sends SIGTERM to the script alone,
and asserts that within a few seconds the script, every descendant and every port are gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_free(port: int) -> bool:
    """Nothing listens there (a bind test would also see the TIME_WAIT of the probes' connections)."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _children() -> dict[int, int]:
    """pid -> parent pid of every process we can see."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    return parents


def _descendants(root: int) -> set[int]:
    parents = _children()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_demo_stops_everything_on_sigterm(tmp_path):
    ports = {"WORKBENCH_PORT": _free_port(), "TOOL_PORT": _free_port(), "PLATFORM_PORT": _free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "PY": sys.executable,
           "DEMO_VAR_DIR": str(tmp_path / "var"), "PYTHONWARNINGS": "ignore"}
    log = (tmp_path / "demo.log").open("w+")
    script = subprocess.Popen(["bash", "scripts/demo.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 360
        while "PL Choice demo is running" not in (tmp_path / "demo.log").read_text():
            assert script.poll() is None, (tmp_path / "demo.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the demo did not start in 6 minutes"
            seen |= _descendants(script.pid)
            time.sleep(0.5)
        seen |= _descendants(script.pid)
        assert len(seen) >= 3, seen  # the workbench, demo_platform and the tool it starts
        assert not any(_port_free(port) for port in ports.values()), "a server is not listening"

        script.send_signal(signal.SIGTERM)  # the script only, as `kill <pid>` does
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (script.poll() is None or any(_alive(p) for p in seen)
                                               or not all(_port_free(port) for port in ports.values())):
            time.sleep(0.2)
        assert script.poll() is not None, "the script is still running"
        assert [p for p in seen if _alive(p)] == []
        assert [name for name, port in ports.items() if not _port_free(port)] == []
    finally:
        for pid in [script.pid, *seen]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()
