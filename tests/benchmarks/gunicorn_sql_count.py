"""Gunicorn config for the launch benchmark's counting run: SQL statements, transactions and commits per request.

Loaded with ``-c tests/benchmarks/gunicorn_sql_count.py`` on a separate, untimed
tool instance (counting costs time, so the timed rounds never run with it).
Every engine of the worker is counted (a class-level SQLAlchemy listener); after
each request one JSON line ``{"path", "statements", "transactions", "commits"}``
is appended to ``$BENCH_SQL_COUNT_FILE``.
"""

from __future__ import annotations

import json
import os

counts = {"statements": 0, "transactions": 0, "commits": 0}


def post_worker_init(worker) -> None:  # noqa: ANN001 - gunicorn's hook signature
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def statement(*_args) -> None:  # noqa: ANN002
        counts["statements"] += 1

    def begin(*_args) -> None:  # noqa: ANN002
        counts["transactions"] += 1

    def commit(*_args) -> None:  # noqa: ANN002
        counts["commits"] += 1

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "begin", begin)
    event.listen(Engine, "commit", commit)


def pre_request(worker, req) -> None:  # noqa: ANN001
    for name in counts:
        counts[name] = 0


def post_request(worker, req, environ, resp) -> None:  # noqa: ANN001
    with open(os.environ["BENCH_SQL_COUNT_FILE"], "a", encoding="utf-8") as out:
        out.write(json.dumps({"path": req.path, **counts}) + "\n")
