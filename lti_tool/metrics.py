"""The tool's Prometheus metrics, and the one-line calls the rest of the tool makes to count things.

Counters and the /api histogram live in ``prometheus_client``'s default registry. Under
gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` makes each worker write its values to files there,
and :func:`exposition` reads them all back, so a scrape sees the sum over every worker
instead of whichever worker happened to answer. The outbox gauges are not counted by any
worker: :class:`OutboxCollector` asks the database at scrape time, so every worker (and
the separate ``plchoice-lti outbox run`` process) reports the same truth.

Label values are bounded on purpose: refusal reasons are ``LtiError.code`` class constants,
message types and /api commands outside a known set become ``"other"`` / ``"unknown"``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from lti_tool.db.outbox_models import DEAD, PENDING, GradeOutbox
from lti_tool.db.session import reader

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
if os.environ.get(MULTIPROC_ENV):
    # The values below are files in this directory from the moment they exist; a CLI run
    # with the variable set must not crash because gunicorn has not created it yet.
    os.makedirs(os.environ[MULTIPROC_ENV], exist_ok=True)

MESSAGE_TYPES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")
API_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

LAUNCHES = Counter("plchoice_lti_launches", "LTI launches that opened the tool, by message type.",
                   ["message_type"])
REFUSALS = Counter("plchoice_lti_refusals", "LTI logins and launches refused, by LtiError code.", ["reason"])
API_SECONDS = Histogram("plchoice_api_request_seconds",
                        "Time to answer an /api request (until the response starts), by command and status.",
                        ["command", "status"], buckets=API_BUCKETS)
ROSTER_FETCHES = Counter("plchoice_nrps_roster_fetches", "Course roster (NRPS) fetches from the platform, "
                         "by outcome; cached rosters are not counted.", ["outcome"])
XAPI_DELIVERIES = Counter("plchoice_xapi_deliveries", "xAPI statement delivery tries to the LRS, by outcome "
                          "(delivered, retry, dead).", ["outcome"])


def launch_succeeded(message_type: Any) -> None:
    """A launch passed validation and the tool answered with its page (or the deep-linking hook)."""
    LAUNCHES.labels(message_type=message_type if message_type in MESSAGE_TYPES else "other").inc()


def launch_refused(code: str) -> None:
    """A login or launch was refused; ``code`` is the ``LtiError`` class's stable code."""
    REFUSALS.labels(reason=code).inc()


def observe_api(command: str, seconds: float, status: int) -> None:
    """One /api request; ``command`` must already be a known name (see ``web.ops.api_command_label``)."""
    API_SECONDS.labels(command=command, status=str(status)).observe(seconds)


def roster_fetch(ok: bool) -> None:
    """One roster fetch that went to the platform: succeeded, or ended in ``NrpsUnavailable``."""
    ROSTER_FETCHES.labels(outcome="ok" if ok else "failed").inc()


def xapi_delivery(outcome: str) -> None:
    """One try to deliver an xAPI statement: ``delivered`` (incl. 409 already stored), ``retry`` or ``dead``."""
    XAPI_DELIVERIES.labels(outcome=outcome if outcome in ("delivered", "retry", "dead") else "other").inc()


class OutboxCollector:
    """The AGS outbox's depth, oldest pending age and dead messages, read from the database per scrape.

    One grouped query over the ``(status, next_attempt_at)`` index, restricted to the two
    states that stay small (delivered rows, which only grow, are never scanned). A database
    that does not answer leaves the gauges out of this scrape rather than failing it.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[Metric]:
        try:
            with reader(self.sessions)() as session:
                rows = session.execute(
                    select(GradeOutbox.status, func.count(), func.min(GradeOutbox.created_at))
                    .where(GradeOutbox.status.in_((PENDING, DEAD))).group_by(GradeOutbox.status)).all()
        except Exception:  # noqa: BLE001 - the other metrics still matter when the database is down
            log.warning("Outbox metrics skipped: the database did not answer", exc_info=True)
            return
        found = {status: (count, oldest) for status, count, oldest in rows}
        pending, oldest = found.get(PENDING, (0, None))
        yield _gauge("plchoice_outbox_pending_messages",
                     "Outbox messages (AGS grades and xAPI statements) waiting for delivery.", pending)
        yield _gauge("plchoice_outbox_oldest_pending_age_seconds",
                     "Age of the oldest outbox message still waiting (0 when none waits).", _age_seconds(oldest))
        yield _gauge("plchoice_outbox_dead_messages", "Outbox messages the platform or the LRS refused for good "
                     "(see `plchoice-lti outbox status`).", found.get(DEAD, (0, None))[0])


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


def _age_seconds(created: datetime | None) -> float:
    if created is None:
        return 0.0
    if created.tzinfo is None:  # SQLite hands back naive datetimes; the tool writes UTC
        created = created.replace(tzinfo=UTC)
    return max((datetime.now(UTC) - created).total_seconds(), 0.0)


class _Sources:
    """Several collectors read as one registry, so one scrape concatenates them without re-registering."""

    def __init__(self, sources: Iterable[Any]) -> None:
        self.sources = list(sources)

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


def exposition(sessions: sessionmaker[Session]) -> tuple[bytes, str]:
    """The text a scrape receives and its content type: every worker's counters plus the outbox gauges."""
    if os.environ.get(MULTIPROC_ENV):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    return generate_latest(_Sources([counted, OutboxCollector(sessions)])), CONTENT_TYPE_LATEST
