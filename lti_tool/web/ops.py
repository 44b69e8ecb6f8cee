"""Operations endpoints: ``/healthz`` (alive), ``/readyz`` (dependencies answer) and ``/metrics``.

Liveness and readiness are separate on purpose: a database outage must take the tool out
of the load balancer (``/readyz`` 503) but must not make an orchestrator restart every
worker in a loop (``/healthz`` stays 200 while the process can answer at all).

Each readiness check runs in a worker thread with a deadline (:data:`CHECK_SECONDS`), so a
dependency that accepts connections and then says nothing still yields a 503 in about two
seconds. At most one check per dependency runs at a time in a process: while a hung check
is still waiting, the next probe reports it as hung instead of piling up threads.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request
from sqlalchemy import Engine, text
from werkzeug.exceptions import Forbidden, NotFound

from lti_tool import metrics
from lti_tool.db.migrate import is_current
from lti_tool.db.session import read_engine
from lti_tool.services import ToolServices, services
from xblock_plchoice.core.protocol import COMMANDS

bp = Blueprint("plchoice_ops", __name__)
CHECK_SECONDS = 2.0
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
API_BLUEPRINT = "plchoice_api"
API_ROUTES = {"plchoice_api.upload": "upload", "plchoice_api.download": "files", "plchoice_api.export": "export"}


class CheckFailed(Exception):
    """A dependency answered, but not as a ready tool needs (e.g. migrations pending)."""


@bp.get("/healthz")
def healthz() -> Any:
    """Liveness: the process answers. Dependencies are /readyz's job."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Any:
    tool = services()
    checks = {name: _run_with_deadline((id(tool), name), check) for name, check in dependency_checks(tool).items()}
    failing = [name for name, outcome in checks.items() if outcome != "ok"]
    body: dict[str, Any] = {"status": "unready" if failing else "ready", "checks": checks}
    if failing:
        body["failing"] = failing
    response = jsonify(body)
    response.status_code = 503 if failing else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def dependency_checks(tool: ToolServices) -> dict[str, Callable[[], None]]:
    """What must answer for the tool to serve: the database, Redis when configured, the blob store."""
    checks: dict[str, Callable[[], None]] = {"database": lambda: check_database(tool.engine)}
    if tool.settings.redis_url:
        checks["redis"] = tool.launch_store.ping
    ping = getattr(tool.blobs, "ping", None)
    if ping is not None:
        checks["blobs"] = ping
    return checks


def check_database(engine: Engine) -> None:
    """``SELECT 1`` on the read engine (never queued behind a SQLite writer), then the schema's version."""
    engine = read_engine(engine)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL statement_timeout = {int(CHECK_SECONDS * 1000)}"))
        connection.execute(text("SELECT 1"))
    if not is_current(engine):
        raise CheckFailed("migrations pending: run `plchoice-lti init`")


_running: dict[tuple[int, str], Future[None]] = {}  # (id of the app's services, dependency) -> its check
_running_lock = threading.Lock()


def _run_with_deadline(key: tuple[int, str], check: Callable[[], Any]) -> str:
    """``"ok"``, or why not: the exception's class name only (messages may hold URLs with passwords)."""
    with _running_lock:
        future = _running.get(key)
        if future is None or future.done():
            future = Future()
            _running[key] = future
            threading.Thread(target=_settle, args=(future, check), name=f"plchoice-readyz-{key[1]}",
                             daemon=True).start()
    try:
        future.result(timeout=CHECK_SECONDS)
    except TimeoutError:
        return f"timeout: no answer within {CHECK_SECONDS:g}s"
    except CheckFailed as failed:
        return f"error: {failed}"
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure instead of raising
        return f"error: {type(exc).__name__}"
    return "ok"


def _settle(future: Future[None], check: Callable[[], Any]) -> None:
    try:
        check()
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting probe
        future.set_exception(exc)
    else:
        future.set_result(None)


@bp.get("/metrics")
def metrics_view() -> Any:
    """Prometheus text; refused unless the bearer token matches (token set) or the caller is local (unset)."""
    token = services().settings.metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise Forbidden("Send the token PLCHOICE_METRICS_TOKEN sets as 'Authorization: Bearer <token>'.")
    elif not _direct_loopback():
        raise NotFound()
    body, content_type = metrics.exposition(services().sessions)
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def _direct_loopback() -> bool:
    """A caller on this host, not a proxied visitor: a proxy on the same host connects from loopback too,
    but it adds forwarding headers (the README's nginx config does), which a local scraper does not."""
    try:
        local = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:  # a unix socket or no address at all: not provably this host
        return False
    return local and not any(header in request.headers for header in FORWARDING_HEADERS)


def api_command_label() -> str:
    """The /api command for metrics, from a fixed set, so a caller cannot mint new label values."""
    endpoint = request.endpoint or ""
    if endpoint in API_ROUTES:
        return API_ROUTES[endpoint]
    name = (request.view_args or {}).get("command")
    return name if name in COMMANDS else "unknown"


def _start_api_timer() -> None:
    if request.blueprint == API_BLUEPRINT:
        g.api_started = time.perf_counter()


def _observe_api(response: Response) -> Response:
    started = g.pop("api_started", None)
    if started is not None:
        metrics.observe_api(api_command_label(), time.perf_counter() - started, response.status_code)
    return response


def init_app(app: Flask) -> None:
    """Register the endpoints and time every /api request."""
    app.register_blueprint(bp)
    app.before_request(_start_api_timer)
    app.after_request(_observe_api)
