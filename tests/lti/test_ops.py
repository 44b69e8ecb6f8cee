"""Operating the tool: liveness, readiness per dependency, Prometheus metrics across gunicorn workers,
JSON logs with request ids, and who may read /metrics. Real tool processes, real Redis/PostgreSQL,
the real demo platform; a dependency that hangs is a real TCP server that accepts and never answers."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from lti_tool.db.outbox_models import DEAD, PENDING, GradeOutbox
from xblock_plchoice.core.activity import default_choice_definition

from .helpers.servers import Postgres
from .platform_fixtures import Browser, ToolServer, connect, launch_config, wait_for
from .test_ags_outbox_faults import faults
from .test_ags_scores import submit_work

BOUND = 5.0  # "does not hang": readiness has a 2 s deadline per check; this is a generous upper bound
GUNICORN_CONF = {"GUNICORN_CMD_ARGS": "-c python:lti_tool.gunicorn_conf"}


class Blackhole:
    """A TCP server that accepts connections and never says a word: a hung Redis or PostgreSQL."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()
        for connection in self.held:
            connection.close()


@pytest.fixture
def blackhole():
    server = Blackhole()
    yield server
    server.close()


def timed_get(url: str, **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=30, **kwargs)
    return response, time.monotonic() - started


def assert_unready(server: ToolServer, dependency: str, *, secret: str = "") -> dict:
    response, seconds = timed_get(server.url + "/readyz")
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["status"] == "unready" and body["failing"] == [dependency], body
    assert body["checks"][dependency] != "ok"
    assert seconds < BOUND, f"/readyz took {seconds:.1f}s"
    if secret:
        assert secret not in response.text
    assert requests.get(server.url + "/healthz", timeout=10).status_code == 200  # still alive: do not restart it
    return body


# liveness and readiness ------------------------------------------------------------------
def test_healthz_is_liveness_and_readyz_checks_the_database_and_blobs(tool):
    server = tool()
    alive = requests.get(server.url + "/healthz", timeout=10)
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    ready = requests.get(server.url + "/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "blobs": "ok"}}
    assert ready.headers["Cache-Control"] == "no-store"


def test_readyz_names_redis_when_it_stops(tool, redis_server):
    server = tool(PLCHOICE_REDIS_URL=redis_server.url)
    ready = requests.get(server.url + "/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "redis": "ok", "blobs": "ok"}
    redis_server.stop()
    assert_unready(server, "redis")


def test_readyz_gives_up_on_a_redis_that_never_answers(tool, blackhole):
    """The Redis client would wait 5 s per socket timeout; the probe answers 503 within its own deadline,
    never shows the password of the URL, and a second probe does not stack a second hung check."""
    server = tool(PLCHOICE_REDIS_URL=f"redis://:hunter2-secret@127.0.0.1:{blackhole.port}/0")
    first = assert_unready(server, "redis", secret="hunter2-secret")
    assert first["checks"]["redis"].startswith("timeout")
    assert_unready(server, "redis", secret="hunter2-secret")


@pytest.mark.postgres
def test_readyz_names_the_database_when_postgresql_stops(tool):
    if not Postgres.available():
        pytest.skip("PostgreSQL 15 binaries are not installed in /usr/lib/postgresql/15/bin")
    postgres = Postgres().start()  # our own server: the session's shared one must keep running
    try:
        server = tool(PLCHOICE_DATABASE_URL=postgres.create_database("ops_ready"))
        assert requests.get(server.url + "/readyz", timeout=10).json()["checks"]["database"] == "ok"
        postgres.stop()
        assert_unready(server, "database")
    finally:
        postgres.stop()


def test_readyz_gives_up_on_a_database_that_never_answers(tmp_path, blackhole):
    """PostgreSQL's port accepts and then hangs (a wedged server, a half-open firewall): 503 in bounded time."""
    url = f"postgresql+psycopg://plchoice:db-secret-pw@127.0.0.1:{blackhole.port}/plchoice"
    server = ToolServer(tmp_path / "hung-db", {"PLCHOICE_DATABASE_URL": url, "PLCHOICE_OUTBOX_WORKER": "0"})
    try:
        server.start()  # no `plchoice-lti init`: it would hang too; /healthz answers without the database
        body = assert_unready(server, "database", secret="db-secret-pw")
        assert body["checks"]["database"].startswith("timeout")
    finally:
        server.stop()


def test_readyz_names_the_blobs_when_their_directory_is_gone(tool):
    server = tool()
    assert requests.get(server.url + "/readyz", timeout=10).status_code == 200
    shutil.rmtree(server.data_dir / "blobs")  # an unmounted volume: every stored file is out of reach
    assert_unready(server, "blobs")
    (server.data_dir / "blobs").write_text("not a directory")
    assert_unready(server, "blobs")


# metrics ------------------------------------------------------------------------------------
def scrape(server: ToolServer, **headers: str) -> dict[tuple[str, frozenset], float]:
    response = requests.get(server.url + "/metrics", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def launches_per_worker(directory: Path) -> dict[str, float]:
    """Launches each worker process counted in its own multiprocess file (``counter_<pid>.db``)."""
    counted: dict[str, float] = {}
    for path in directory.glob("counter_*.db"):
        for key, number, _timestamp, _pos in MmapedDict.read_all_values_from_file(str(path)):
            if json.loads(key)[0] == "plchoice_lti_launches" and number:
                counted[path.stem] = counted.get(path.stem, 0.0) + number
    return counted


def test_metrics_under_gunicorn_add_up_every_worker(lms, tool, tmp_path):
    multiproc = tmp_path / "prometheus"
    platform = lms("generic")
    server = tool(gunicorn_workers=2, PROMETHEUS_MULTIPROC_DIR=str(multiproc), **GUNICORN_CONF)
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    deep_links, links, api_state = 1, 0, 0

    # Launches until both workers have counted some: the kernel decides who accepts each connection.
    while len(launches_per_worker(multiproc)) < 2 or links < 4:
        learner = Browser(platform, server, "learner-1" if links % 2 else "learner-3")
        page = learner.launch("link", link=link["id"])
        assert page.status_code == 200, learner.diagnose(page)
        links += 1
        assert learner.api(page.text, "state").status_code == 200
        api_state += 1
        assert links < 60, "every launch landed on one worker"

    # Refusals: a token that is no JWT, and no token at all.
    assert requests.post(server.url + "/lti/launch", data={"id_token": "x.y.z", "state": "s"},
                         timeout=10).status_code == 400
    assert requests.post(server.url + "/lti/launch", data={}, timeout=10).status_code == 400

    # A made-up command never becomes a label of its own.
    staff_page = teacher.launch("link", link=link["id"])
    links += 1
    assert launch_config(staff_page.text)["view"] == "staff"
    assert teacher.api(staff_page.text, "no-such-command-4711").status_code in (400, 404)
    queue_calls = [0]

    def settled_queue(browser: Browser, page) -> dict:
        """The queue once the background roster fetch has ended (the first answers say it is loading)."""
        def ask() -> dict | None:
            queue_calls[0] += 1
            answer = browser.api(page.text, "queue")
            assert answer.status_code == 200, answer.text
            return None if answer.json().get("roster_loading") else answer.json()
        return wait_for(ask, timeout=30, interval=0.3, message="the roster fetch to end")

    queue = settled_queue(teacher, staff_page)  # the roster: one fetch from the platform, in the background
    assert "roster_notice" not in queue, queue

    # A dead AGS message (learner-2 left the course) and one that keeps waiting (the platform answers 503).
    leaver = Browser(platform, server, "learner-2")
    leaver_page = leaver.launch("link", link=link["id"])
    links += 1
    with platform.state.lock:
        gone = platform.state.members.pop("learner-2")
    submit_work(leaver, link["id"], page=leaver_page)
    wait_for(lambda: outbox_count(server, DEAD) == 1, message="the refused score to be set aside")
    with platform.state.lock:
        platform.state.members["learner-2"] = gone
    faults(platform, mode="503")
    submit_work(Browser(platform, server, "learner-3"), link["id"])
    links += 1

    # A roster that cannot be loaded: a second platform, gone by the time its instructor opens the queue.
    other = lms("generic")
    connect(other, server, client_id="other-client")  # a client id belongs to one platform
    other_teacher = Browser(other, server, "instructor-1", client_id="other-client")
    other_link = other_teacher.deep_link(default_choice_definition())
    deep_links += 1
    other_page = other_teacher.launch("link", link=other_link["id"])
    links += 1
    other.stop()
    failed = settled_queue(other_teacher, other_page)
    assert failed["not_started"] == [] and failed["roster_notice"]

    samples = scrape(server)
    assert value(samples, "plchoice_lti_launches_total", message_type="LtiResourceLinkRequest") == links
    assert value(samples, "plchoice_lti_launches_total", message_type="LtiDeepLinkingRequest") == deep_links
    assert value(samples, "plchoice_lti_refusals_total", reason="malformed_token") == 1
    assert value(samples, "plchoice_lti_refusals_total", reason="missing_id_token") == 1
    assert value(samples, "plchoice_api_request_seconds_count", command="state", status="200") == api_state
    assert value(samples, "plchoice_api_request_seconds_count", command="submit", status="200") == 2
    assert value(samples, "plchoice_api_request_seconds_count", command="queue", status="200") == queue_calls[0]
    assert sum(v for (name, labels), v in samples.items() if name == "plchoice_api_request_seconds_count"
               and dict(labels)["command"] == "unknown") == 1
    assert not any("4711" in str(labels) for _name, labels in samples)
    assert value(samples, "plchoice_nrps_roster_fetches_total", outcome="ok") == 1
    assert value(samples, "plchoice_nrps_roster_fetches_total", outcome="failed") == 1
    assert value(samples, "plchoice_outbox_dead_messages") == 1
    pending = outbox_count(server, PENDING)
    assert pending >= 1 and value(samples, "plchoice_outbox_pending_messages") == pending
    assert value(samples, "plchoice_outbox_oldest_pending_age_seconds") > 0
    assert len(launches_per_worker(multiproc)) == 2


def outbox_count(server: ToolServer, status: str) -> int:
    with server.sessions()() as session:
        return session.scalar(select(func.count()).select_from(GradeOutbox).where(GradeOutbox.status == status))


def test_metrics_need_the_token_when_one_is_set_and_never_go_through_a_proxy(tool):
    open_server = tool()
    assert requests.get(open_server.url + "/metrics", timeout=10).status_code == 200  # a scraper on this host
    proxied = requests.get(open_server.url + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert proxied.status_code == 404 and "plchoice_" not in proxied.text  # nginx on this host relays a visitor

    locked = tool(PLCHOICE_METRICS_TOKEN="scrape-token-42")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "scrape-token-42"},
                    {"Authorization": "Bearer scrape-token-42x"}):
        refused = requests.get(locked.url + "/metrics", headers=headers, timeout=10)
        assert refused.status_code == 403 and "plchoice_" not in refused.text, headers
    samples = scrape(locked, Authorization="Bearer scrape-token-42")
    assert ("plchoice_outbox_pending_messages", frozenset()) in samples


def test_metrics_refuse_a_caller_from_another_host(make_app):
    """Without a token, only this host may scrape: a visitor's address (direct, or via ProxyFix) gets 404."""
    client = make_app().test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    behind_proxy = make_app(PROXY_FIX="1").test_client()
    visitor = behind_proxy.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                               headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert visitor.status_code == 404


# logs ------------------------------------------------------------------------------------------
def json_lines(server: ToolServer) -> list[dict]:
    lines = [line for line in server.log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines if not line.startswith("tool serving on")]  # every line parses
    assert records and all({"timestamp", "level", "logger", "message", "request_id"} <= set(r) for r in records)
    return records


def test_json_logs_carry_the_callers_request_id(tool):
    server = tool(PLCHOICE_LOG_FORMAT="json")
    refused = requests.post(server.url + "/lti/launch", data={"id_token": "x.y.z"},
                            headers={"X-Request-ID": "edge-7f3a.b_9"}, timeout=10)
    assert refused.status_code == 400 and refused.headers["X-Request-ID"] == "edge-7f3a.b_9"
    records = wait_for(lambda: [r for r in json_lines(server) if r["request_id"] == "edge-7f3a.b_9"] or None,
                       timeout=10, message="the refused launch's log lines")
    assert any("missing_state" in r["message"] and r["logger"] == "lti_tool" for r in records)
    assert any(r["logger"] == "lti_tool.access" and r["http"]["status"] == 400 for r in records)
    own = requests.get(server.url + "/healthz", timeout=10).headers["X-Request-ID"]
    assert len(own) == 32 and own != "edge-7f3a.b_9"  # none given: the tool makes one


def test_a_hostile_request_id_is_replaced(tool):
    server = tool(PLCHOICE_LOG_FORMAT="json")
    hostile = ["A" * 1024, '"}{"level": "CRITICAL", "message": "forged', "ab cd", "x/../y"]
    for given in hostile:
        answer = requests.get(server.url + "/healthz", headers={"X-Request-ID": given}, timeout=10)
        assert answer.status_code == 200
        assert answer.headers["X-Request-ID"] != given and len(answer.headers["X-Request-ID"]) == 32
    # A folded header line: the value a server unfolds holds a line break.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: first\r\n injected-line\r\n"
                    b"Connection: close\r\n\r\n")
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk
    assert b"injected" not in reply
    time.sleep(0.5)  # the access line of the last request is written after its response
    records = json_lines(server)
    assert not any(r["request_id"] in hostile or "injected" in r["request_id"] for r in records)
    assert not any(r.get("level") == "CRITICAL" for r in records)
