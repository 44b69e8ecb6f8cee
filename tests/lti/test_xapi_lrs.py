"""xAPI statements from the LTI tool to a real LRS (Ralph), through the durable outbox, over HTTP.

The learner and teacher act through the demo platform's launches; the LRS goes down, the tool is
killed and restarted during the outage, and afterwards every statement is in the LRS exactly once.
"""

from __future__ import annotations

import json
import re
import time

import pytest
import requests
from sqlalchemy import select

from lti_tool.db.outbox_models import GradeOutbox
from lti_tool.lti.xapi_delivery import LrsSettings, deliver
from tests.xapi.ralph_env import RalphServer
from xblock_plchoice.core import xapi
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, wait_for
from .test_ags_scores import review, submit_work


@pytest.fixture
def ralph(tmp_path):
    server = RalphServer(tmp_path / "ralph").start()
    yield server
    server.stop()


def xapi_rows(server) -> list[GradeOutbox]:
    with server.sessions()() as session:
        return list(session.scalars(select(GradeOutbox).where(GradeOutbox.kind == "xapi").order_by(GradeOutbox.id)))


def stored(ralph, count: int, timeout: float = 60.0) -> list[dict]:
    def ready():
        found = ralph.statements()
        return found if len(found) >= count else None
    return wait_for(ready, timeout=timeout, message=f"{count} statements in the LRS")


def test_statements_reach_the_lrs_once_through_an_outage_and_a_restart(lms, tool, ralph):
    platform = lms("generic")
    server = tool(PLCHOICE_XAPI_ENDPOINT=ralph.endpoint, PLCHOICE_XAPI_USERNAME=ralph.username,
                  PLCHOICE_XAPI_PASSWORD=ralph.password)
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())

    submit_work(Browser(platform, server, "learner-1"), link["id"])  # chosen, self-assessed, submitted
    first = stored(ralph, 3)
    assert sorted(s["verb"]["id"] for s in first) == sorted(xapi.VERBS[v] for v in ("submitted", "rated", "preferred"))

    ralph.stop()  # the LRS is down
    submit_work(Browser(platform, server, "learner-2"), link["id"])
    review(teacher, link["id"], "learner-1", "mastered", "Well argued.")
    learner = Browser(platform, server, "learner-1")
    page = learner.launch("link", link=link["id"])
    answer = learner.api(page.text, "reflect", {"phase": "after", "answers": {"worked": "Drawing it first"},
                                                "share_with_staff": True})
    assert answer.status_code == 200, answer.text
    wait_for(lambda: any(r.tries > 0 for r in xapi_rows(server) if r.status == "pending"),
             message="delivery tries against the stopped LRS")

    server.crash()  # SIGKILL during the outage: leases held, nothing cleaned up
    server.start()
    assert all(r.status in ("pending", "delivered") for r in xapi_rows(server))
    ralph.start()  # the LRS is back, on the same address with the same data

    statements = stored(ralph, 8, timeout=90)
    time.sleep(3)  # a late duplicate would arrive now
    statements = ralph.statements()
    rows = xapi_rows(server)
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids)) == 8, "a statement was stored twice"
    assert sorted(ids) == sorted(r.payload["id"] for r in rows), "a queued statement never arrived"
    assert all(r.status == "delivered" for r in rows), [(r.id, r.status, r.last_error) for r in rows]
    verbs = sorted(s["verb"]["display"]["en-US"] for s in statements)
    assert verbs == sorted(["preferred", "rated", "submitted"] * 2 + ["mastered", "shared"])
    issuer = platform.url
    for statement in statements:
        assert set(statement["actor"]) <= {"objectType", "account"}
        assert statement["actor"]["account"]["homePage"].rstrip("/") == issuer.rstrip("/")
    dumped = json.dumps(statements)
    assert "@" not in dumped.replace("plchoice-tool@example.org", "")  # no email, only the LRS's own authority
    # the restarted tool counted its deliveries (loopback scrapes need no token)
    scrape = requests.get(server.url + "/metrics", timeout=10).text
    delivered = re.search(r'plchoice_xapi_deliveries_total\{outcome="delivered"\} ([0-9.]+)', scrape)
    assert delivered and float(delivered.group(1)) >= 5, scrape[-2000:]
    shared = next(s for s in statements if s["verb"]["id"] == xapi.VERBS["shared"])
    assert shared["result"]["response"] == "Drawing it first"


def test_a_statement_sent_again_is_stored_once_and_a_conflict_counts_as_delivered(ralph):
    lrs = LrsSettings(ralph.endpoint, ralph.username, ralph.password)
    statement = {"id": "0b2f4a3e-5a35-5c7c-9e5e-4b9b1b0c2d11",
                 "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "sub-1"}},
                 "verb": {"id": xapi.VERBS["preferred"], "display": {"en-US": "preferred"}},
                 "object": {"objectType": "Activity", "id": "https://tool.example/xapi/activities/a/options/write"},
                 "timestamp": "2026-03-01T09:00:00+00:00", "version": "1.0.3"}
    assert deliver(statement, lrs.statements_url, lrs, 10).result == "delivered"
    again = deliver(statement, lrs.statements_url, lrs, 10)
    assert again.result == "delivered"
    changed = deliver({**statement, "verb": {"id": xapi.VERBS["shared"], "display": {"en-US": "shared"}}},
                      lrs.statements_url, lrs, 10)
    assert (changed.result, changed.status) == ("delivered", 409)
    assert [s["id"] for s in ralph.statements()] == [statement["id"]]
    wrong = deliver(statement, lrs.statements_url, LrsSettings(ralph.endpoint, ralph.username, "wrong"), 10)
    assert (wrong.result, wrong.status) == ("retry", 401)  # an operator can fix credentials: nothing is lost


def test_without_an_endpoint_nothing_is_queued_and_a_replayed_change_is_queued_once(tmp_path):
    from types import SimpleNamespace

    from lti_tool.db.models import Base
    from lti_tool.db.session import make_engine, make_sessionmaker
    from lti_tool.lti.xapi_delivery import OutboxEventSink
    from xblock_plchoice.core import events
    from xblock_plchoice.core.store import LearnerRecord

    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    Base.metadata.create_all(engine)
    sessions = make_sessionmaker(engine)
    launch = SimpleNamespace(issuer="https://lms.example", client_id="client", deployment_id="dep")
    record = LearnerRecord(activity_key="act", course_key="course", learner_id="sub-1")
    event = events.replied(record, 1, "r1", "sub-1", "Thanks", "2026-03-01T09:00:00+00:00")

    def emit(lrs):
        with sessions.begin() as session:
            OutboxEventSink(session, launch, lrs, "https://tool.example").emit(event)

    def rows():
        with sessions() as session:
            return list(session.scalars(select(GradeOutbox)))

    emit(LrsSettings())
    assert rows() == []
    configured = LrsSettings("https://lrs.example/xAPI/", "u", "p")
    emit(configured)
    emit(configured)  # the same change seen again (a retried request)
    [row] = rows()
    assert (row.kind, row.status, row.lineitem_url) == ("xapi", "pending", "https://lrs.example/xAPI/statements")
    assert row.payload["id"] == event.id and row.payload["actor"]["account"] == {"homePage": "https://lms.example",
                                                                                "name": "sub-1"}
