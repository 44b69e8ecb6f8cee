"""gunicorn settings for production: ``gunicorn -c python:lti_tool.gunicorn_conf "lti_tool:create_app()"``.

Threaded workers (``gthread``): a request of this tool mostly waits on the network (the
platform's key set and token endpoint, NRPS, S3), and a thread that waits lets the other
threads of its worker serve meanwhile. A ``sync`` worker serves one request at a time, so a
platform that calls back into the tool while the tool waits on it (a JWKS or deep-linking
round trip during a launch) can deadlock it until the timeout.

``PROMETHEUS_MULTIPROC_DIR`` set: the directory is created and emptied when gunicorn starts
(stale ``*.db`` files of an earlier run would add old counts to the new ones), and a worker that exits
is marked dead so its live gauges leave the sum. Command-line options (``--workers``,
``--threads``, ``--bind``) override what is here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

worker_class = "gthread"
threads = 8  # per worker; the workers themselves: --workers or WEB_CONCURRENCY (gunicorn reads it)
timeout = 60  # a worker silent this long is restarted (longest wait: a 30 s SQLite lock plus a platform call)

if os.environ.get("PLCHOICE_LOG_FORMAT", "").strip().lower() == "json":
    # The tool logs one JSON line per request itself (with the request id); gunicorn's own lines go JSON too.
    accesslog = None
    logconfig_dict = {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "lti_tool.logging_setup.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
    }


def on_starting(_server: Any) -> None:
    """Before any worker forks: a clean multiprocess directory for this run's metrics."""
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):  # only prometheus_client's files, whatever else the directory holds
            stale.unlink()


def child_exit(_server: Any, worker: Any) -> None:
    """A worker is gone (restart, crash, scale down): drop its live gauges from the sum."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
