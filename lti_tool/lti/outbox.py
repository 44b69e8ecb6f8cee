"""Delivers the AGS outbox: at least once on the wire, exactly once in the gradebook.

How each message reaches the platform exactly once:

1. A worker *claims* due rows in a short transaction: a conditional UPDATE that
   sets a lease only if nobody holds one (two workers cannot both win a row).
   The claim also marks the row ``ambiguous`` (it may reach the platform).
2. It posts the score with the row's fixed ``timestamp`` and its
   ``Idempotency-Key``. A platform that honours the key, or that rejects a
   score whose timestamp is not newer (AGS), never applies a retry twice.
3. The result is recorded: delivered; retry later with exponential backoff
   and jitter (503, 429, timeouts, connection errors); or dead (the platform
   refused the message itself: 400/403/404). A 409/"timestamp" refusal of a
   row that may already have landed means it *did* land: delivered.
4. A worker that dies keeps nothing: its lease expires and another worker
   (or the restarted one) takes the row.

Rows of one (line item, user) go strictly in order, so *Submitted* never
overtakes *FullyGraded*.

Run it in the web process (:func:`init_app` starts a background thread per
worker process) or on its own: ``python -m lti_tool.lti.outbox run [--once]``.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from lti_tool.db.models import Registration
from lti_tool.db.outbox_models import DEAD, DELIVERED, PENDING, GradeOutbox

from .ags import SCORE_MEDIA_TYPE, scores_url
from .keys import current_private_key
from .service_tokens import SCORE_SCOPE, TOKENS, ServiceTokenError, TokenCache, TokenTarget

log = logging.getLogger(__name__)


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass
class OutboxSettings:
    """Delivery timing; from ``PLCHOICE_OUTBOX_*`` / ``PLCHOICE_AGS_TIMEOUT``."""

    backoff_base: float = 2.0
    backoff_max: float = 900.0
    lease_seconds: float = 60.0
    http_timeout: float = 10.0
    poll_seconds: float = 5.0
    max_tries: int = 60
    batch: int = 50

    @classmethod
    def from_env(cls) -> OutboxSettings:
        return cls(backoff_base=_env_float("PLCHOICE_OUTBOX_BACKOFF_BASE", 2.0),
                   backoff_max=_env_float("PLCHOICE_OUTBOX_BACKOFF_MAX", 900.0),
                   lease_seconds=_env_float("PLCHOICE_OUTBOX_LEASE", 60.0),
                   http_timeout=_env_float("PLCHOICE_AGS_TIMEOUT", 10.0),
                   poll_seconds=_env_float("PLCHOICE_OUTBOX_POLL", 5.0),
                   max_tries=int(_env_float("PLCHOICE_OUTBOX_MAX_TRIES", 60)))

    def delay(self, tries: int) -> float:
        raw = min(self.backoff_base * (2 ** max(tries - 1, 0)), self.backoff_max)
        return raw * random.uniform(0.8, 1.2)


@dataclass
class Report:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.delivered + self.retried + self.dead


def _now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    """One delivery engine over a sessionmaker; thread safe, many may run at once."""

    def __init__(self, sessions: sessionmaker[Session], settings: OutboxSettings | None = None, *,
                 tokens: TokenCache = TOKENS, http: requests.Session | None = None) -> None:
        self.sessions = sessions
        self.settings = settings or OutboxSettings.from_env()
        self.tokens = tokens
        self.http = http or requests.Session()
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    # claiming --------------------------------------------------------------------------
    def claim(self, now: datetime | None = None) -> list[tuple[int, bool]]:
        """Lease due rows whose earlier siblings (same line item and user) are all done."""
        now = now or _now()
        earlier = aliased(GradeOutbox)
        blocked = exists().where(and_(earlier.target_key == GradeOutbox.target_key, earlier.id < GradeOutbox.id,
                                      earlier.status == PENDING))
        free = or_(GradeOutbox.lease_until.is_(None), GradeOutbox.lease_until < now)
        # Read the candidates, then claim each with one conditional UPDATE in its own transaction:
        # no transaction here reads before it writes, so SQLite never has to upgrade a stale
        # snapshot ("database is locked") and PostgreSQL never holds row locks across rows.
        with self.sessions() as session:
            rows = session.execute(
                select(GradeOutbox.id, GradeOutbox.ambiguous)
                .where(GradeOutbox.status == PENDING, GradeOutbox.next_attempt_at <= now, free, ~blocked)
                .order_by(GradeOutbox.id).limit(self.settings.batch)).all()
        claimed: list[tuple[int, bool]] = []
        for row_id, was_ambiguous in rows:
            with self.sessions.begin() as session:
                won = session.execute(
                    update(GradeOutbox)
                    .where(GradeOutbox.id == row_id, GradeOutbox.status == PENDING, free)
                    .values(lease_until=now + timedelta(seconds=self.settings.lease_seconds),
                            lease_owner=self.owner, ambiguous=True)
                    .execution_options(synchronize_session=False)).rowcount
            if won == 1:
                claimed.append((row_id, bool(was_ambiguous)))
        return claimed

    # delivering ------------------------------------------------------------------------
    def run_once(self) -> Report:
        """Deliver everything due now (one claim round per batch) and report."""
        report = Report()
        while True:
            claimed = self.claim()
            if not claimed:
                return report
            for row_id, was_ambiguous in claimed:
                self._deliver(row_id, was_ambiguous, report)
            if len(claimed) < self.settings.batch:
                return report

    def _deliver(self, row_id: int, was_ambiguous: bool, report: Report) -> None:
        with self.sessions() as session:  # read what we need, then close: no transaction spans the HTTP calls
            row = session.get(GradeOutbox, row_id)
            registration = session.scalars(select(Registration).where(
                Registration.issuer == row.issuer, Registration.client_id == row.client_id)).first()
            payload, key, url, tries = dict(row.payload), row.idempotency_key, scores_url(row.lineitem_url), row.tries
            if registration is None:
                missing = f"No registration for {row.issuer} / {row.client_id} any more."
            else:
                missing = ""
                target = TokenTarget(registration.auth_token_url, registration.client_id, registration.audience)
                signing_key = current_private_key(session)
        if missing:
            self._finish(row_id, "retry", was_ambiguous, None, missing, report, tries)
            return
        try:
            token = self.tokens.get(target, [SCORE_SCOPE], lambda: signing_key)
        except ServiceTokenError as exc:
            self._finish(row_id, "retry", was_ambiguous, exc.status, str(exc), report, tries)
            return
        headers = {"Authorization": f"Bearer {token}", "Content-Type": SCORE_MEDIA_TYPE,
                   "Accept": "application/json", "Idempotency-Key": key}
        try:
            response = self.http.post(url, json=payload, headers=headers, timeout=self.settings.http_timeout)
        except (requests.ConnectTimeout, requests.exceptions.InvalidURL) as exc:
            self._finish(row_id, "retry", was_ambiguous, None, f"Not sent: {exc}", report, tries)
            return
        except requests.ConnectionError as exc:
            refused = "refused" in str(exc).lower() or "Failed to establish" in str(exc)
            self._finish(row_id, "retry", was_ambiguous if refused else True, None, f"Connection: {exc}",
                         report, tries)
            return
        except requests.RequestException as exc:  # read timeout: the platform may have applied it
            self._finish(row_id, "retry", True, None, f"No answer in {self.settings.http_timeout}s: {exc}",
                         report, tries)
            return
        self._classify(row_id, response, was_ambiguous, target, report, tries)

    def _classify(self, row_id: int, response: requests.Response, was_ambiguous: bool, target: TokenTarget,
                  report: Report, tries: int) -> None:
        status, text = response.status_code, response.text[:500]
        if 200 <= status < 300:
            self._finish(row_id, "delivered", True, status, None, report, tries)
        elif status == 401:
            self.tokens.invalidate(target, [SCORE_SCOPE])
            self._finish(row_id, "retry", was_ambiguous, status, "Token refused; fetching a new one.", report, tries)
        elif was_ambiguous and (status == 409 or (status in (400, 422) and "timestamp" in text.lower())):
            # An earlier try that timed out did land; the platform refuses the same timestamp again.
            self._finish(row_id, "delivered", True, status, f"Already applied ({status}).", report, tries)
        elif status == 429 or status >= 500:
            self._finish(row_id, "retry", was_ambiguous, status, f"Platform answered {status}: {text}", report, tries)
        else:
            self._finish(row_id, "dead", was_ambiguous, status, f"Platform refused the score ({status}): {text}",
                         report, tries)

    def _finish(self, row_id: int, outcome: str, ambiguous: bool, status: int | None, error: str | None,
                report: Report, tries: int) -> None:
        now = _now()
        values: dict[str, Any] = {"lease_until": None, "lease_owner": None, "last_status": status,
                                  "last_error": error, "tries": tries + 1, "ambiguous": ambiguous}
        if outcome == "delivered":
            values.update(status=DELIVERED, delivered_at=now)
            report.delivered += 1
        elif outcome == "dead" or tries + 1 >= self.settings.max_tries:
            values.update(status=DEAD)
            report.dead += 1
            log.error("AGS message %s given up: %s", row_id, error)
        else:
            values.update(next_attempt_at=now + timedelta(seconds=self.settings.delay(tries + 1)))
            report.retried += 1
            log.warning("AGS message %s will be retried: %s", row_id, error)
        if error:
            report.errors.append(error)
        with self.sessions.begin() as session:
            session.execute(update(GradeOutbox).where(GradeOutbox.id == row_id, GradeOutbox.status == PENDING)
                            .values(**values).execution_options(synchronize_session=False))


# the background worker -----------------------------------------------------------------------
_wake = threading.Event()
_worker: dict[str, Any] = {"pid": None, "thread": None, "stop": None}
_worker_lock = threading.Lock()


def wake() -> None:
    """Ask the worker of this process to look at the outbox now (called after a commit)."""
    _wake.set()


def run_forever(outbox: Outbox, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            outbox.run_once()
        except Exception:  # a database hiccup must not kill the worker; the rows stay pending
            log.exception("AGS outbox round failed; retrying after the poll interval")
        _wake.wait(outbox.settings.poll_seconds)
        _wake.clear()


def start_worker(sessions: sessionmaker[Session], settings: OutboxSettings | None = None) -> threading.Event:
    """Start this process's delivery thread once (again after a fork); returns its stop event."""
    with _worker_lock:
        if _worker["pid"] == os.getpid() and _worker["thread"] is not None and _worker["thread"].is_alive():
            return _worker["stop"]
        stop = threading.Event()
        thread = threading.Thread(target=run_forever, args=(Outbox(sessions, settings), stop),
                                  name="plchoice-ags-outbox", daemon=True)
        thread.start()
        _worker.update(pid=os.getpid(), thread=thread, stop=stop)
        return stop


def init_app(app: Any) -> None:
    """Run the worker inside each web worker process unless ``PLCHOICE_OUTBOX_WORKER=0``.

    Started lazily on the first request as well, so gunicorn's ``--preload`` (which
    forks after import) still gets one thread per worker.
    """
    if os.environ.get("PLCHOICE_OUTBOX_WORKER", "1").lower() in ("0", "false", "no", "off"):
        return
    sessions = app.extensions["plchoice"].sessions

    def ensure() -> None:
        start_worker(sessions)

    app.before_request(ensure)
    start_worker(sessions)


def main(argv: list[str] | None = None) -> int:
    """``python -m lti_tool.lti.outbox run [--once]`` (the body of ``plchoice-lti outbox run``)."""
    import argparse

    from lti_tool.config import load_settings
    from lti_tool.db.session import make_engine, make_sessionmaker

    parser = argparse.ArgumentParser(prog="plchoice-lti outbox")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="deliver queued AGS grades (until stopped, or once)")
    run.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    sub.add_parser("status", help="count queued, delivered and dead messages")
    args = parser.parse_args(argv)
    sessions = make_sessionmaker(make_engine(load_settings().effective_database_url))
    if args.command == "status":
        from sqlalchemy import func

        with sessions() as session:
            for state, count in session.execute(select(GradeOutbox.status, func.count()).group_by(GradeOutbox.status)):
                print(f"{state}: {count}")
        return 0
    outbox = Outbox(sessions)
    if args.once:
        report = outbox.run_once()
        print(f"delivered {report.delivered}, retrying {report.retried}, dead {report.dead}")
        return 0
    stop = threading.Event()
    try:
        run_forever(outbox, stop)
    except KeyboardInterrupt:
        stop.set()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
