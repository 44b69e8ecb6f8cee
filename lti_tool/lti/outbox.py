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

Run it in the web process (``create_app`` calls :func:`init_app`, which starts a
background thread per worker process) or on its own: ``plchoice-lti outbox run
[--once]`` (with ``PLCHOICE_OUTBOX_WORKER=0`` for the web workers);
``plchoice-lti outbox status`` counts messages per state.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from lti_tool import metrics
from lti_tool.config import Settings, load_settings
from lti_tool.db.models import Registration
from lti_tool.db.outbox_models import DEAD, DELIVERED, PENDING, GradeOutbox
from lti_tool.db.session import reader

from .ags import SCORE_MEDIA_TYPE, scores_url
from .keys import current_private_key
from .outbound import OutboundError, OutboundResponse, request
from .service_tokens import SCORE_SCOPE, TOKENS, ServiceTokenError, TokenCache, TokenTarget
from .wake import OUTBOX as _wake
from .wake import wake_outbox as wake  # noqa: F401 - the public name callers and tests use
from .xapi_delivery import XAPI_KIND, LrsSettings
from .xapi_delivery import deliver as deliver_statement

log = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 256 * 1024  # a score service answers with little or nothing


@dataclass
class OutboxSettings:
    """Delivery timing; from ``PLCHOICE_OUTBOX_*`` / ``PLCHOICE_AGS_TIMEOUT`` (:class:`lti_tool.config.Settings`)."""

    backoff_base: float = 2.0
    backoff_max: float = 900.0
    lease_seconds: float = 60.0
    http_timeout: float = 10.0
    poll_seconds: float = 5.0
    max_tries: int = 60
    batch: int = 50
    lrs: LrsSettings = field(default_factory=LrsSettings)  # credentials for the xAPI rows (:mod:`.xapi_delivery`)

    @classmethod
    def from_settings(cls, settings: Settings) -> OutboxSettings:
        return cls(backoff_base=settings.outbox_backoff_base, backoff_max=settings.outbox_backoff_max,
                   lease_seconds=settings.outbox_lease, http_timeout=settings.ags_timeout,
                   poll_seconds=settings.outbox_poll, max_tries=settings.outbox_max_tries,
                   lrs=LrsSettings.from_settings(settings))

    @classmethod
    def from_env(cls) -> OutboxSettings:
        return cls.from_settings(load_settings())

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
                 tokens: TokenCache = TOKENS) -> None:
        self.sessions = sessions
        self.readers = reader(sessions)  # reads take no write lock (SQLite), so web requests never wait on them
        self.settings = settings or OutboxSettings.from_env()
        self.tokens = tokens
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    # claiming --------------------------------------------------------------------------
    def claim(self, now: datetime | None = None) -> tuple[list[tuple[int, bool]], int]:
        """Lease due rows whose earlier siblings (same line item and user) are all done.

        Returns the rows this worker won and how many free due rows it saw (others may have won some).
        """
        now = now or _now()
        earlier = aliased(GradeOutbox)
        blocked = exists().where(and_(earlier.target_key == GradeOutbox.target_key, earlier.id < GradeOutbox.id,
                                      earlier.status == PENDING))
        free = or_(GradeOutbox.lease_until.is_(None), GradeOutbox.lease_until < now)
        # Read the candidates, then claim each with one conditional UPDATE in its own transaction:
        # no transaction here reads before it writes, so SQLite never has to upgrade a stale
        # snapshot ("database is locked") and PostgreSQL never holds row locks across rows.
        with self.readers() as session:
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
        return claimed, len(rows)

    # delivering ------------------------------------------------------------------------
    def run_once(self) -> Report:
        """Deliver everything due now (one claim round per batch) and report."""
        report = Report()
        while True:
            claimed, seen = self.claim()
            if not seen:  # nothing free and due: done (rows leased by other workers are theirs)
                return report
            for row_id, was_ambiguous in claimed:
                self._deliver(row_id, was_ambiguous, report)

    def _deliver(self, row_id: int, was_ambiguous: bool, report: Report) -> None:
        with self.readers() as session:  # read what we need, then close: no transaction spans the HTTP calls
            row = session.get(GradeOutbox, row_id)
            if row.kind == XAPI_KIND:
                statement, url, tries = dict(row.payload), row.lineitem_url, row.tries
                self._deliver_statement(row_id, statement, url, was_ambiguous, report, tries)
                return
            registration = session.scalars(select(Registration).where(
                Registration.issuer == row.issuer, Registration.client_id == row.client_id)).first()
            payload, key, url, tries = dict(row.payload), row.idempotency_key, scores_url(row.lineitem_url), row.tries
            if registration is None:
                missing = f"No registration for {row.issuer} / {row.client_id} any more."
            else:
                missing = ""
                target = TokenTarget.for_registration(registration)
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
            response = request("POST", url, json_body=payload, headers=headers,
                               deadline=self.settings.http_timeout, max_bytes=MAX_ANSWER_BYTES)
        except OutboundError as exc:  # a request that may have left may have been applied: ambiguous
            self._finish(row_id, "retry", True if exc.sent else was_ambiguous, exc.http_status,
                         f"Score call failed: {exc.kind}.", report, tries)
            return
        self._classify(row_id, response, was_ambiguous, target, report, tries)

    def _deliver_statement(self, row_id: int, statement: dict[str, Any], url: str, was_ambiguous: bool,
                           report: Report, tries: int) -> None:
        """An xAPI row: PUT to the LRS (no token, HTTP Basic); 409 means stored already."""
        outcome = deliver_statement(statement, url, self.settings.lrs, self.settings.http_timeout)
        metrics.xapi_delivery(outcome.result)
        self._finish(row_id, outcome.result, was_ambiguous or outcome.sent, outcome.status, outcome.error, report,
                     tries)

    def _classify(self, row_id: int, response: OutboundResponse, was_ambiguous: bool, target: TokenTarget,
                  report: Report, tries: int) -> None:
        status, text = response.status, response.text()
        if not response.ok:
            log.info("Score service answered %s for message %s: %s", status, row_id, text)
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
_workers: dict[int, tuple[int, threading.Thread, threading.Event]] = {}  # id(sessionmaker) -> (pid, thread, stop)
_workers_lock = threading.Lock()


def run_forever(outbox: Outbox, stop: threading.Event, housekeeping: Callable[[], Any] | None = None) -> None:
    """Deliver until ``stop``; after each round, ``housekeeping`` (see :mod:`.housekeeping`) when given."""
    while not stop.is_set():
        try:
            outbox.run_once()
        except Exception:  # a database hiccup must not kill the worker; the rows stay pending
            log.exception("AGS outbox round failed; retrying after the poll interval")
        if housekeeping is not None:
            try:
                housekeeping()
            except Exception:
                log.exception("Housekeeping failed; it runs again after its interval")
        _wake.wait(outbox.settings.poll_seconds)
        _wake.clear()


def start_worker(sessions: sessionmaker[Session], settings: OutboxSettings | None = None,
                 tokens: TokenCache = TOKENS, housekeeping: Callable[[], Any] | None = None) -> threading.Event:
    """Start the delivery thread for this database once per process (again after a fork); returns its stop event."""
    with _workers_lock:
        found = _workers.get(id(sessions))
        if found and found[0] == os.getpid() and found[1].is_alive():
            return found[2]
        stop = threading.Event()
        thread = threading.Thread(target=run_forever, args=(Outbox(sessions, settings, tokens=tokens), stop,
                                                            housekeeping),
                                  name="plchoice-ags-outbox", daemon=True)
        thread.start()
        _workers[id(sessions)] = (os.getpid(), thread, stop)
        return stop


def worker_enabled(app: Any) -> bool:
    """On by default; off with ``PLCHOICE_OUTBOX_WORKER=0``, and off in TESTING apps unless set to 1."""
    flag = app.extensions["plchoice"].settings.outbox_worker
    return flag if flag is not None else not app.config.get("TESTING")


def init_app(app: Any) -> None:
    """Deliver the outbox from each web worker process (see :func:`worker_enabled`); ``create_app`` calls this.

    Also started lazily on the first request, so gunicorn's ``--preload`` (which forks
    after import) still gets one thread per worker. Calling it twice changes nothing.
    """
    if not worker_enabled(app) or "plchoice_outbox" in app.extensions:
        return
    from .housekeeping import Housekeeper

    tool = app.extensions["plchoice"]
    sessions, settings, chores = tool.sessions, OutboxSettings.from_settings(tool.settings), Housekeeper.for_tool(tool)

    def ensure() -> None:
        app.extensions["plchoice_outbox"] = start_worker(sessions, settings, tool.tokens, chores)

    app.before_request(ensure)
    ensure()  # app.extensions["plchoice_outbox"]: the stop event of this process's thread


def status_counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Messages per state (pending, delivered, dead), for ``plchoice-lti outbox status``."""
    with reader(sessions)() as session:
        return dict(session.execute(select(GradeOutbox.status, func.count()).group_by(GradeOutbox.status)).all())


def main(argv: list[str] | None = None) -> int:
    """``plchoice-lti outbox run [--once]`` / ``outbox status`` (also ``python -m lti_tool.lti.outbox``)."""
    import argparse

    from lti_tool.db.session import make_engine, make_sessionmaker

    parser = argparse.ArgumentParser(prog="plchoice-lti outbox", description="Deliver queued AGS grades.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="deliver queued AGS grades (until stopped, or once)")
    run.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    sub.add_parser("status", help="count pending, delivered and dead messages")
    args = parser.parse_args(argv)
    settings = load_settings()
    sessions = make_sessionmaker(make_engine(settings.effective_database_url))
    if args.command == "status":
        counts = status_counts(sessions)
        for state in (PENDING, DELIVERED, DEAD):
            print(f"{state}: {counts.get(state, 0)}")
        return 0
    from .launch_storage import make_launch_store

    tokens = TokenCache(make_launch_store(settings.redis_url, sessions), timeout=settings.outbound_timeout)
    outbox = Outbox(sessions, OutboxSettings.from_settings(settings), tokens=tokens)
    if args.once:
        report = outbox.run_once()
        print(f"delivered {report.delivered}, retrying {report.retried}, dead {report.dead}")
        return 0
    stop = threading.Event()
    try:
        from .housekeeping import Housekeeper

        run_forever(outbox, stop, Housekeeper.from_settings(settings, sessions))
    except KeyboardInterrupt:
        stop.set()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
