"""LTI benchmarks (a script that prints figures, not a test): ``python tests/benchmarks/bench_lti.py``.

1. Complete launches per second (platform login initiation -> tool login -> platform auth ->
   tool launch -> first page) on ONE gunicorn worker, for PL Choice and for a minimal pylti1p3 Flask
   tool written as the library's example does, measured side by side in one run (alternating rounds,
   same platform, same client threads), with the ratio.
2. 1,000 AGS scores released through the outbox with one access-token fetch: the count of token
   requests the platform served, and the time.
The demo platform (``lti1p3platform``, RS256) runs in this process; both tools are real HTTP servers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from demo_platform import PlatformServer  # noqa: E402
from demo_platform.state import ROLE, Member, ToolClient, new_rsa_pem  # noqa: E402
from tests.lti.platform_fixtures import Browser, connect, free_port  # noqa: E402
from xblock_plchoice.core.activity import default_choice_definition  # noqa: E402

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


class Gunicorn:
    """One sync gunicorn worker serving ``app`` on a free loopback port."""

    def __init__(self, app: str, env: dict[str, str], chdir: Path = ROOT) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cmd = [GUNICORN, "-w", "1", "-b", f"127.0.0.1:{self.port}", "--chdir", str(chdir),
                    "--log-level", "warning", app]
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self, probe: str) -> Gunicorn:
        self.process = subprocess.Popen(self.cmd, env=self.env, cwd=ROOT)
        for _ in range(300):
            try:
                if requests.get(self.url + probe, timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.cmd} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def start_plchoice(platform: PlatformServer, work: Path) -> tuple[Gunicorn, dict]:
    data = work / "plchoice"
    env = {**os.environ, "PLCHOICE_DATA_DIR": str(data), "PLCHOICE_SECRET_KEY": "bench",
           "PLCHOICE_COOKIE_SECURE": "false", "PLCHOICE_OUTBOX_WORKER": "0", "PYTHONPATH": str(ROOT)}
    server = Gunicorn("lti_tool:create_app()", env)
    env["PLCHOICE_BASE_URL"] = server.url

    class Cli:  # connect() only needs .url and .cli(), the real `plchoice-lti` commands
        url = server.url

        @staticmethod
        def cli(*args: str) -> str:
            return subprocess.run([sys.executable, "-m", "lti_tool.cli", *args], env=env, cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout

    Cli.cli("init")
    ids = connect(platform, Cli, client_id="plchoice")
    server.start("/healthz")
    return server, ids


def start_pylti(platform: PlatformServer, work: Path) -> Gunicorn:
    private, public = new_rsa_pem()
    (work / "private.key").write_text(private)
    (work / "public.key").write_text(public)
    client = ToolClient(client_id="pylti", deployment_id="deployment-pylti", login_url="", launch_url="",
                        jwks_url="", redirect_uris=[])
    config = {platform.url: [{"default": True, "client_id": client.client_id,
                              "auth_login_url": platform.url + "/auth", "auth_token_url": platform.url + "/token",
                              "key_set_url": platform.url + "/jwks", "private_key_file": str(work / "private.key"),
                              "public_key_file": str(work / "public.key"),
                              "deployment_ids": [client.deployment_id]}]}
    (work / "pylti.json").write_text(json.dumps(config))
    env = {**os.environ, "BENCH_PYLTI_CONFIG": str(work / "pylti.json")}
    server = Gunicorn("pylti_example_tool:app", env, chdir=Path(__file__).parent)

    client.login_url, client.launch_url = server.url + "/login", server.url + "/launch"
    client.jwks_url, client.redirect_uris = server.url + "/jwks", [server.url + "/launch"]
    platform.state.add_client(client)
    return server.start("/jwks")


def timed_launch(browser: Browser, link: str) -> tuple[int, float]:
    """One complete launch, as ``Browser.launch``; also the seconds the *tool* took (its two hops)."""
    from tests.lti.platform_fixtures import parse_form

    # A fresh cookie jar per launch: both tools leave a state cookie per login, and hundreds of
    # launches from one jar would measure header growth (431 errors), not launches.
    browser.http.cookies.clear()
    at_platform = browser.http.post(browser.lms.url + "/launch", timeout=60,
                                    data={"user": browser.user, "kind": "link", "client_id": browser.client_id,
                                          "link": link})
    tool_time = sum(r.elapsed.total_seconds() for r in at_platform.history if r.url.startswith(browser.tool.url))
    action, fields = parse_form(at_platform.text, "lti")
    page = browser.http.post(action, data=fields, timeout=60)
    return page.status_code, tool_time + page.elapsed.total_seconds()


TOOL_SECONDS: dict[str, float] = {}


def launch_round(browsers: list[Browser], link: str, count: int, name: str = "") -> float:
    """``count`` complete launches spread over the browsers' threads; returns the seconds taken."""
    errors: list[str] = []
    per = count // len(browsers)
    lock = threading.Lock()

    def work(browser: Browser) -> None:
        for _ in range(per):
            status, tool_time = timed_launch(browser, link)
            with lock:
                TOOL_SECONDS[name] = TOOL_SECONDS.get(name, 0.0) + tool_time
            if status != 200:
                errors.append(f"{status}")

    threads = [threading.Thread(target=work, args=(b,)) for b in browsers]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} launches failed, e.g. {errors[0]}")
    return elapsed


def bench_launches(platform: PlatformServer, plc: Gunicorn, pylti: Gunicorn, rounds: int, per_round: int,
                   clients: int) -> None:
    teacher = Browser(platform, plc, "instructor-1", client_id="plchoice")
    plc_link = teacher.deep_link(default_choice_definition())["id"]
    pylti_link = platform.state.add_link("pylti", {"url": pylti.url + "/launch", "title": "Game"})["id"]
    learners = ["learner-1", "learner-2", "learner-3"]
    ours = [Browser(platform, plc, learners[i % 3], client_id="plchoice") for i in range(clients)]
    theirs = [Browser(platform, pylti, learners[i % 3], client_id="pylti") for i in range(clients)]
    launch_round(ours, plc_link, clients * 2)  # warm up both (imports, JWKS fetch, caches)
    launch_round(theirs, pylti_link, clients * 2)
    TOOL_SECONDS.clear()
    totals = {"plchoice": 0.0, "pylti1p3 example": 0.0}
    for _ in range(rounds):
        totals["plchoice"] += launch_round(ours, plc_link, per_round, "plchoice")
        totals["pylti1p3 example"] += launch_round(theirs, pylti_link, per_round, "pylti1p3 example")
    n = rounds * (per_round // clients) * clients
    rates = {name: n / seconds for name, seconds in totals.items()}
    print(f"\nComplete launches (login + launch + first page), 1 gunicorn sync worker each, "
          f"{n} launches per tool, {clients} client threads, platform in-process:")
    for name, rate in rates.items():
        print(f"  {name:18s} {rate:7.1f} launches/s  ({1000 / rate:6.1f} ms each; the tool's own two hops: "
              f"{1000 * TOOL_SECONDS[name] / n:5.1f} ms per launch, as the client saw them)")
    print(f"  ratio plchoice / pylti1p3 example: {rates['plchoice'] / rates['pylti1p3 example']:.2f} "
          f"(throughput), {TOOL_SECONDS['pylti1p3 example'] / TOOL_SECONDS['plchoice']:.2f} (tool time)")


def bench_scores(platform: PlatformServer, plc: Gunicorn, ids: dict, count: int) -> None:
    from lti_tool.db.session import make_engine, make_sessionmaker
    from lti_tool.lti.ags import OutboxGradeSink
    from lti_tool.lti.launch_context import LaunchContext
    from lti_tool.lti.outbox import Outbox, OutboxSettings
    from lti_tool.lti.service_tokens import SCORE_SCOPE, TokenCache
    from xblock_plchoice.core.store import LearnerRecord

    state = platform.state
    lineitem = state.add_lineitem({"label": "Bench", "scoreMaximum": 10})
    for i in range(count):
        state.members[f"bench-{i}"] = Member(f"bench-{i}", f"Bench {i}", [ROLE + "Learner"])
    sessions = make_sessionmaker(make_engine(f"sqlite:///{Path(plc.env['PLCHOICE_DATA_DIR']) / 'plchoice.sqlite3'}"))
    context = LaunchContext(
        launch_id="bench", registration_id=1, issuer=platform.url, client_id=ids["client_id"],
        deployment_id=ids["deployment_id"], user_id="instructor-1", role="staff", display_name="", context_id="c",
        course_key="bench", resource_link_id="rl", activity_id="a", activity_key="bench-activity", locale="en",
        message_type="LtiResourceLinkRequest",
        ags={"scope": [SCORE_SCOPE], "lineitem": f"{platform.url}/ags/{state.context_id}/lineitems/{lineitem['id']}"})
    base = datetime.now(UTC)
    with sessions.begin() as session:
        sink = OutboxGradeSink(session, context, launch_url=plc.url + "/lti/launch")
        for i in range(count):
            at = (base + timedelta(microseconds=i)).isoformat()
            attempt = {"number": 1, "submitted_at": at,
                       "review": {"decision": "mastered", "feedback": "Well done.", "at": at}}
            sink.scored(LearnerRecord("bench-activity", "bench", f"bench-{i}"), attempt, 10.0, 10.0)
    fetches_before = state.token_fetches
    tokens = TokenCache()
    outbox = Outbox(sessions, OutboxSettings(batch=200, http_timeout=10), tokens=tokens)
    start = time.perf_counter()
    report = outbox.run_once()
    elapsed = time.perf_counter() - start
    applied = sum(1 for s in state.scores if str(s["userId"]).startswith("bench-"))
    print(f"\nScores released through the outbox: {report.delivered} delivered ({applied} applied by the platform) "
          f"in {elapsed:.2f} s = {report.delivered / elapsed:.0f} scores/s")
    print(f"  token requests served by the platform: {state.token_fetches - fetches_before}  "
          f"(token cache fetches: {tokens.fetches})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=40)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--scores", type=int, default=1000)
    args = parser.parse_args()
    platform = PlatformServer("generic").start()
    servers: list[Gunicorn] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            plc, ids = start_plchoice(platform, work)
            servers.append(plc)
            pylti = start_pylti(platform, work)
            servers.append(pylti)
            bench_launches(platform, plc, pylti, args.rounds, args.per_round, args.clients)
            bench_scores(platform, plc, ids, args.scores)
        finally:
            for server in servers:
                server.stop()
            platform.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
