"""``python -m demo_platform``: the tool and a demo LMS on loopback, registered with each other.

Starts the tool (SQLite in ``--data-dir``, set up with ``plchoice-lti init`` and
``plchoice-lti platform add``, exactly as an admin would) and the demo platform,
then prints the page to open: add an activity by deep linking, launch as a
learner or an instructor, and watch grades arrive. Ctrl-C stops both.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from . import PlatformServer
from .shapes import SHAPES


def _tool_env(tool_url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "PLCHOICE_BASE_URL": tool_url, "PLCHOICE_DATA_DIR": str(data_dir),
            "PLCHOICE_COOKIE_SECURE": "false", "PLCHOICE_OUTBOX_POLL": "1"}


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "lti_tool.cli", *args], env=env, check=True)


def _stop_on_term(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo_platform", description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=SHAPES, default="generic", help="speak as a generic, Moodle or Canvas LMS")
    parser.add_argument("--port", type=int, default=8001, help="demo LMS port (0: any free port)")
    parser.add_argument("--tool-port", type=int, default=8000, help="tool port")
    parser.add_argument("--data-dir", default="var/demo", help="the tool's data dir (SQLite, keys, evidence)")
    args = parser.parse_args(argv)
    # SIGTERM (a plain `kill`, `make demo`'s cleanup) unwinds like Ctrl-C, so the tool child is stopped too.
    signal.signal(signal.SIGTERM, _stop_on_term)

    tool_url = f"http://127.0.0.1:{args.tool_port}"
    data_dir = Path(args.data_dir).resolve()
    env = _tool_env(tool_url, data_dir)
    platform = PlatformServer(args.shape, port=args.port)
    client = platform.register_tool(tool_url, client_id="demo-client")
    _cli(env, "init")
    _cli(env, "platform", "add", "--issuer", platform.url, "--client-id", client.client_id,
         "--auth-login-url", platform.url + "/auth", "--auth-token-url", platform.url + "/token",
         "--key-set-url", platform.url + "/jwks", "--deployment-id", client.deployment_id)
    tool = subprocess.Popen([sys.executable, "-m", "demo_platform.tool_runner", "--port", str(args.tool_port)],
                            env=env)
    try:
        for _ in range(150):
            try:
                if requests.get(tool_url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        platform.start()
        print(f"\nDemo LMS ({args.shape}): {platform.url}/   <- open this\nTool: {tool_url}/  (data in {data_dir})\n"
              "Ctrl-C stops both.", flush=True)
        while tool.poll() is None:
            time.sleep(0.5)
        return tool.returncode or 0
    except KeyboardInterrupt:
        return 0
    finally:
        tool.terminate()
        tool.wait(timeout=15)
        if platform.thread.is_alive():
            platform.stop()


if __name__ == "__main__":
    raise SystemExit(main())
