"""LTI benchmarks (a script that prints figures, not a test): ``python -m tests.benchmarks.bench_lti``.

1. Complete launches (platform login initiation -> tool login -> platform auth -> tool launch -> first
   page) on ONE sync gunicorn worker, for PL Choice and for a minimal pylti1p3 Flask tool written as the
   library's example does, side by side in one run:
   - the platform (``demo_platform``, RS256) runs in its own process, so its signing does not share the
     client's CPU and GIL;
   - one sequential client, a fresh cookie jar per launch;
   - interleaved rounds (ABBA order, so drift on the machine falls on both sides alike);
   - each tool's worker CPU (utime + stime) read from ``/proc/<worker pid>/stat`` around each round.
   Printed: launches per second and worker CPU per launch, and the two ratios.
2. SQL statements, transactions and commits per launch (login + launch), counted by a separate, untimed
   tool instance (``gunicorn_sql_count.py``).
3. 1,000 AGS scores released through the outbox with one access-token fetch.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from demo_platform import PlatformServer  # noqa: E402
from demo_platform.state import ROLE, Member, new_rsa_pem  # noqa: E402
from tests.lti.platform_fixtures import Browser, free_port, parse_form  # noqa: E402
from xblock_plchoice.core.activity import default_choice_definition  # noqa: E402

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TARGET_RATE, TARGET_CPU = 1.05, 1.00


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, from ``/proc/<pid>/stat`` (fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def wait_until_up(url: str, process: subprocess.Popen, what: str) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


class RemotePlatform:
    """The demo platform in its own process, set up over HTTP (``demo_platform.controls``)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-m", "demo_platform.platform_runner", "--port",
                                         str(self.port)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                        stdout=subprocess.DEVNULL)
        wait_until_up(self.url + "/jwks", self.process, "the platform")

    def add_client(self, **client: str) -> dict:
        response = requests.post(self.url + "/_clients", json=client, timeout=10)
        response.raise_for_status()
        return response.json()

    def add_link(self, client_id: str, item: dict) -> dict:
        response = requests.post(self.url + "/_links", json={"client_id": client_id, "item": item}, timeout=10)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class Gunicorn:
    """One sync gunicorn worker serving ``app`` on a free loopback port."""

    def __init__(self, app: str, env: dict[str, str], chdir: Path = ROOT, config: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cmd = [GUNICORN, "-w", "1", "-k", "sync", "-b", f"127.0.0.1:{self.port}", "--chdir", str(chdir),
                    "--log-level", "warning", *(["-c", config] if config else []), app]
        self.env = env
        self.process: subprocess.Popen | None = None
        self.worker = 0

    def start(self, probe: str) -> Gunicorn:
        self.process = subprocess.Popen(self.cmd, env=self.env, cwd=ROOT)
        wait_until_up(self.url + probe, self.process, " ".join(self.cmd))
        workers = children(self.process.pid)
        assert len(workers) == 1, workers
        self.worker = workers[0]
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def start_plchoice(platform: RemotePlatform, work: Path, name: str = "plchoice",
                   config: str | None = None, **extra_env: str) -> Gunicorn:
    """PL Choice as deployed: ``plchoice-lti init``, ``platform add``, then gunicorn (SQLite in its data dir)."""
    env = {**os.environ, "PLCHOICE_DATA_DIR": str(work / name), "PLCHOICE_SECRET_KEY": "bench",
           "PLCHOICE_COOKIE_SECURE": "false", "PLCHOICE_OUTBOX_WORKER": "0", "PYTHONPATH": str(ROOT), **extra_env}
    server = Gunicorn("lti_tool:create_app()", env, config=config)
    env["PLCHOICE_BASE_URL"] = server.url

    def cli(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "lti_tool.cli", *args], env=env, cwd=ROOT, check=True,
                       capture_output=True, text=True)

    client = platform.add_client(tool_url=server.url, client_id=name)
    cli("init")
    cli("platform", "add", "--issuer", platform.url, "--client-id", name, "--auth-login-url", platform.url + "/auth",
        "--auth-token-url", platform.url + "/token", "--key-set-url", platform.url + "/jwks",
        "--deployment-id", client["deployment_id"])
    return server.start("/healthz")


def start_pylti(platform: RemotePlatform, work: Path) -> Gunicorn:
    private, public = new_rsa_pem()
    (work / "private.key").write_text(private)
    (work / "public.key").write_text(public)
    config = {platform.url: [{"default": True, "client_id": "pylti",
                              "auth_login_url": platform.url + "/auth", "auth_token_url": platform.url + "/token",
                              "key_set_url": platform.url + "/jwks", "private_key_file": str(work / "private.key"),
                              "public_key_file": str(work / "public.key"),
                              "deployment_ids": ["deployment-pylti"]}]}
    (work / "pylti.json").write_text(json.dumps(config))
    env = {**os.environ, "BENCH_PYLTI_CONFIG": str(work / "pylti.json")}
    server = Gunicorn("pylti_example_tool:app", env, chdir=Path(__file__).parent)
    platform.add_client(client_id="pylti", deployment_id="deployment-pylti", login_url=server.url + "/login",
                        launch_url=server.url + "/launch", jwks_url=server.url + "/jwks")
    return server.start("/jwks")


def one_launch(http: requests.Session, platform_url: str, client_id: str, link: str) -> None:
    """One complete launch as a browser makes it; a fresh cookie jar each time, as a new learner's browser."""
    http.cookies.clear()
    at_platform = http.post(platform_url + "/launch", timeout=60,
                            data={"user": "learner-1", "kind": "link", "client_id": client_id, "link": link})
    if at_platform.status_code != 200:
        raise RuntimeError(f"launch failed at the platform: {at_platform.status_code} {at_platform.text[:300]}")
    action, fields = parse_form(at_platform.text, "lti")
    page = http.post(action, data=fields, timeout=60)
    if page.status_code != 200:
        raise RuntimeError(f"launch failed at the tool: {page.status_code} {page.text[:300]}")


def launch_round(server: Gunicorn, platform_url: str, client_id: str, link: str, count: int) -> tuple[float, float]:
    """``count`` sequential launches; (wall seconds, the tool worker's CPU seconds)."""
    http = requests.Session()
    cpu_before = cpu_seconds(server.worker)
    start = time.perf_counter()
    for _ in range(count):
        one_launch(http, platform_url, client_id, link)
    elapsed = time.perf_counter() - start
    return elapsed, cpu_seconds(server.worker) - cpu_before


def plchoice_link(platform: RemotePlatform, server: Gunicorn, client_id: str) -> str:
    teacher = Browser(platform, server, "instructor-1", client_id=client_id)  # over HTTP only
    return teacher.deep_link(default_choice_definition())["id"]


def bench_launches(platform: RemotePlatform, plc: Gunicorn, pylti: Gunicorn, rounds: int, per_round: int) -> None:
    sides = {"plchoice": (plc, "plchoice", plchoice_link(platform, plc, "plchoice")),
             "pylti1p3 example": (pylti, "pylti", platform.add_link("pylti", {"url": pylti.url + "/launch",
                                                                              "title": "Game"})["id"])}
    for server, client_id, link in sides.values():  # warm up: imports, JWKS fetch, caches
        launch_round(server, platform.url, client_id, link, 10)
    wall = dict.fromkeys(sides, 0.0)
    cpu = dict.fromkeys(sides, 0.0)
    names = list(sides)
    for number in range(rounds):
        for name in names if number % 2 == 0 else reversed(names):  # ABBA
            server, client_id, link = sides[name]
            seconds, worker_cpu = launch_round(server, platform.url, client_id, link, per_round)
            wall[name] += seconds
            cpu[name] += worker_cpu
    n = rounds * per_round
    print(f"\nComplete launches (login + launch + first page), 1 sync gunicorn worker each, platform in its own "
          f"process, one sequential client, {rounds} interleaved rounds of {per_round} ({n} launches per tool):")
    for name in names:
        print(f"  {name:18s} {n / wall[name]:7.1f} launches/s  ({1000 * wall[name] / n:6.1f} ms each)   "
              f"worker CPU {1000 * cpu[name] / n:6.2f} ms per launch")
    rate = (n / wall["plchoice"]) / (n / wall["pylti1p3 example"])
    cpu_ratio = cpu["plchoice"] / cpu["pylti1p3 example"]
    print(f"  ratio plchoice / pylti1p3 example: launches/s {rate:.2f} (target >= {TARGET_RATE:.2f}), "
          f"worker CPU per launch {cpu_ratio:.2f} (target <= {TARGET_CPU:.2f})")


def bench_sql(platform: RemotePlatform, work: Path, launches: int = 20) -> None:
    counts_file = work / "sql-counts.jsonl"
    server = start_plchoice(platform, work, "plchoice-sql", config=str(Path(__file__).with_name(
        "gunicorn_sql_count.py")), BENCH_SQL_COUNT_FILE=str(counts_file))
    try:
        link = plchoice_link(platform, server, "plchoice-sql")
        launch_round(server, platform.url, "plchoice-sql", link, 5)  # warm caches, as the timed rounds are
        counts_file.write_text("")
        launch_round(server, platform.url, "plchoice-sql", link, launches)
    finally:
        server.stop()
    lines = [json.loads(line) for line in counts_file.read_text().splitlines() if line]
    per = {key: sum(line[key] for line in lines if line["path"] in ("/lti/login", "/lti/launch")) / launches
           for key in ("statements", "transactions", "commits")}
    print(f"\nSQL per launch (login + launch, SQLite, {launches} launches after warm-up): "
          f"{per['statements']:.1f} statements in {per['transactions']:.1f} transactions, "
          f"{per['commits']:.1f} commits")


def bench_scores(tool: Gunicorn, count: int) -> None:
    """1,000 scores through the outbox on one token. The platform runs in process here (this counts the
    token requests it serves, it does not time the tool); it verifies the assertions with ``tool``'s JWKS."""
    from lti_tool.db.session import make_engine, make_sessionmaker
    from lti_tool.lti.ags import OutboxGradeSink
    from lti_tool.lti.launch_context import LaunchContext
    from lti_tool.lti.outbox import Outbox, OutboxSettings
    from lti_tool.lti.service_tokens import SCORE_SCOPE, TokenCache
    from xblock_plchoice.core.store import LearnerRecord

    platform = PlatformServer("generic").start()
    try:
        state = platform.state
        data = Path(tool.env["PLCHOICE_DATA_DIR"])
        client = platform.register_tool(tool.url, client_id="scores")
        for args in (("init",), ("platform", "add", "--issuer", platform.url, "--client-id", "scores",
                                 "--auth-login-url", platform.url + "/auth", "--auth-token-url",
                                 platform.url + "/token", "--key-set-url", platform.url + "/jwks",
                                 "--deployment-id", client.deployment_id)):
            subprocess.run([sys.executable, "-m", "lti_tool.cli", *args], env=tool.env, cwd=ROOT, check=True,
                           capture_output=True)
        lineitem = state.add_lineitem({"label": "Bench", "scoreMaximum": 10})
        for i in range(count):
            state.members[f"bench-{i}"] = Member(f"bench-{i}", f"Bench {i}", [ROLE + "Learner"])
        sessions = make_sessionmaker(make_engine(f"sqlite:///{data / 'plchoice.sqlite3'}"))
        context = LaunchContext(
            launch_id="bench", registration_id=1, issuer=platform.url, client_id="scores",
            deployment_id=client.deployment_id, user_id="instructor-1", role="staff", display_name="",
            context_id="c", course_key="bench", resource_link_id="rl", activity_id="a",
            activity_key="bench-activity", locale="en", message_type="LtiResourceLinkRequest",
            ags={"scope": [SCORE_SCOPE],
                 "lineitem": f"{platform.url}/ags/{state.context_id}/lineitems/{lineitem['id']}"})
        base = datetime.now(UTC)
        with sessions.begin() as session:
            sink = OutboxGradeSink(session, context, launch_url=tool.url + "/lti/launch")
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
        print(f"\nScores released through the outbox: {report.delivered} delivered ({applied} applied by the "
              f"platform) in {elapsed:.2f} s = {report.delivered / elapsed:.0f} scores/s")
        print(f"  token requests served by the platform: {state.token_fetches - fetches_before}")
    finally:
        platform.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=30)
    parser.add_argument("--scores", type=int, default=1000)
    args = parser.parse_args()
    platform = RemotePlatform()
    servers: list[Gunicorn] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            servers.append(start_plchoice(platform, work))
            servers.append(start_pylti(platform, work))
            bench_launches(platform, servers[0], servers[1], args.rounds, args.per_round)
            bench_sql(platform, work)
            if args.scores:
                bench_scores(servers[0], args.scores)
        finally:
            for server in servers:
                server.stop()
            platform.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
