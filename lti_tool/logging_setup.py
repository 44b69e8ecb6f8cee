"""Log lines an operator can search: an optional JSON format and a request id on every line.

``PLCHOICE_LOG_FORMAT=json`` makes each record one JSON object (timestamp, level, logger,
message, request_id, and the traceback when there is one) on stderr, which log shippers
parse without regexes. The request id comes from the proxy's ``X-Request-ID`` when it is
a short token, else a fresh one, so the proxy's access log, the tool's lines and the
response header (echoed back) all carry the same id. A header that could forge log lines
(newlines, quotes) or bloat them (1 KB) is never used: the tool makes its own id instead.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
NO_REQUEST = "-"

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("plchoice_request_id", default=NO_REQUEST)
access_log = logging.getLogger("lti_tool.access")


def request_id_from(header: str | None) -> str:
    """The caller's id when it is a short token (``^[A-Za-z0-9._-]{1,64}$``), else a new random one."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return secrets.token_hex(16)


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request, e.g. the outbox thread) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record; extra fields passed with ``extra={"http": {...}}`` are kept."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id.get(),
        }
        if isinstance(getattr(record, "http", None), dict):
            entry["http"] = record.http
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _OurHandler(logging.StreamHandler):
    """Marks the handler this module installed, so a second app in the same process replaces it."""


def configure_logging(log_format: str) -> None:
    """``json``: the root logger writes JSON lines to stderr at INFO. ``text``: logging is left as it is."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(handler)
    if log_format != "json":
        return
    handler = _OurHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _begin_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()
    g.request_id_token = current_request_id.set(g.request_id)


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
        # Path only: query strings carry launch ids and download signatures.
        access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={"http": {
            "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1)}})
    return response


def _end_request(_exc: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        try:
            current_request_id.reset(token)
        except ValueError:  # torn down in another context than it began (streamed responses): just clear
            current_request_id.set(NO_REQUEST)


def init_app(app: Flask, log_format: str) -> None:
    """Request ids on every request (``g.request_id``, log records, the response header) and the log format."""
    configure_logging(log_format)
    app.before_request(_begin_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
