"""The AGS outbox under faults, over HTTP: the platform answers 503 and times out for a while,
the tool is killed and restarted mid-way, and every grade still arrives exactly once, in order."""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import select

from lti_tool.db.outbox_models import GradeOutbox
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, platform_state, wait_for
from .test_ags_scores import review, scores_at_least, submit_work


def faults(platform, **settings) -> None:
    assert requests.post(platform.url + "/_faults", json=settings, timeout=10).status_code == 200


def outbox_rows(server) -> list[GradeOutbox]:
    with server.sessions()() as session:
        return list(session.scalars(select(GradeOutbox).order_by(GradeOutbox.id)))


def assert_exactly_once(scores: list[dict], rows: list[GradeOutbox]) -> None:
    keys = [s["idempotency_key"] for s in scores]
    assert len(keys) == len(set(keys)), "a grade was applied twice"
    assert sorted(keys) == sorted(r.idempotency_key for r in rows), "a queued grade never arrived"
    assert all(r.status == "delivered" for r in rows), [(r.id, r.status, r.last_error) for r in rows]
    for learner in {s["userId"] for s in scores}:
        mine = [s for s in scores if s["userId"] == learner]
        assert mine[0]["activityProgress"] == "Submitted", "Submitted must land before the review"
        assert [s["timestamp"] for s in mine] == sorted(s["timestamp"] for s in mine)


def test_503s_timeouts_and_a_crash_still_deliver_each_grade_once(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())

    faults(platform, mode="503")  # the gradebook is down
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    submit_work(Browser(platform, server, "learner-2"), link["id"])
    wait_for(lambda: platform_state(platform)["faults"]["failed"] >= 4, message="retries against the 503s")
    assert platform_state(platform)["scores"] == []

    server.crash()  # SIGKILL mid-way: leases held, nothing cleaned up
    server.start()
    faults(platform, mode="timeout", count=3, sleep=2.0)  # slower than the tool's 1 s timeout, then applied
    review(teacher, link["id"], "learner-1", "mastered", "Well argued.")
    review(teacher, link["id"], "learner-2", "revise", "Cite one observation.")

    scores = scores_at_least(platform, 4, timeout=90)
    time.sleep(3)  # any late duplicate would arrive now
    state = platform_state(platform)
    assert len(state["scores"]) == 4
    assert state["faults"]["failed"] >= 7  # 503s and the three timeouts really happened
    assert_exactly_once(state["scores"], outbox_rows(server))
    graded = [s for s in scores if s["gradingProgress"] == "FullyGraded"]
    assert len(graded) == 1 and graded[0]["userId"] == "learner-1" and graded[0]["scoreGiven"] == 10


def test_crash_while_a_score_is_in_flight_without_idempotency_support(lms, tool):
    """The platform applies a score after the tool died waiting for it and ignores Idempotency-Key:
    the restarted tool resends with the same timestamp, the platform refuses it as old (409), and
    the tool counts that as delivered instead of retrying forever or sending a newer duplicate."""
    platform, server = lms("generic"), tool()
    connect(platform, server)
    requests.post(platform.url + "/_config", json={"honor_idempotency": False}, timeout=10)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())

    faults(platform, mode="timeout", count=1, sleep=2.5)
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    wait_for(lambda: platform_state(platform)["faults"]["failed"] >= 1, message="the score in flight")
    server.crash()  # the tool dies while the platform is still working on the score
    scores_at_least(platform, 1, timeout=10)  # ...which the platform then applies
    server.start()

    rows = wait_for(lambda: (lambda r: r if r and r[0].status != "pending" else None)(outbox_rows(server)),
                    timeout=60, message="the restarted tool to settle the in-flight row")
    state = platform_state(platform)
    assert len(state["scores"]) == 1
    assert [r["reason"] for r in state["rejected_scores"]] == ["oldtimestamp"]
    assert rows[0].status == "delivered" and rows[0].last_status == 409
    assert_exactly_once(state["scores"], rows)


def test_outbox_cli_delivers_when_the_web_process_does_not(lms, tool):
    """``PLCHOICE_OUTBOX_WORKER=0`` keeps delivery out of the web workers; ``plchoice-lti outbox`` (the real
    console script) reports and delivers."""
    import subprocess
    import sys
    from pathlib import Path

    platform, server = lms("generic"), tool(PLCHOICE_OUTBOX_WORKER="0")
    connect(platform, server)
    link = Browser(platform, server, "instructor-1").deep_link(default_choice_definition())
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    time.sleep(1)
    assert platform_state(platform)["scores"] == []

    def outbox_cli(*args: str) -> str:
        done = subprocess.run([str(Path(sys.executable).parent / "plchoice-lti"), "outbox", *args],
                              env=server.env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert outbox_cli("status").splitlines() == ["pending: 1", "delivered: 0", "dead: 0"]
    assert "delivered 1, retrying 0, dead 0" in outbox_cli("run", "--once")
    assert [s["activityProgress"] for s in platform_state(platform)["scores"]] == ["Submitted"]
    assert outbox_cli("status").splitlines() == ["pending: 0", "delivered: 1", "dead: 0"]
    assert "delivered 0, retrying 0, dead 0" in outbox_cli("run", "--once")  # nothing is sent twice
    assert len(platform_state(platform)["scores"]) == 1


def test_a_score_the_platform_refuses_is_set_aside_not_retried_forever(lms, tool):
    """A 400 (here: the learner left the course before the grade went out) will never succeed:
    the row is marked dead with the platform's reason after one try, and later rows still flow."""
    platform, server = lms("generic"), tool()
    connect(platform, server)
    link = Browser(platform, server, "instructor-1").deep_link(default_choice_definition())
    learner = Browser(platform, server, "learner-2")
    page = learner.launch("link", link=link["id"])
    with platform.state.lock:
        gone = platform.state.members.pop("learner-2")
    submit_work(learner, link["id"], page=page)
    rows = wait_for(lambda: (lambda r: r if r and r[0].status == "dead" else None)(outbox_rows(server)),
                    message="the refused row to be set aside")
    assert rows[0].tries == 1 and rows[0].last_status == 400 and "member" in rows[0].last_error
    with platform.state.lock:
        platform.state.members["learner-2"] = gone
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    scores_at_least(platform, 1)
    assert page.status_code == 200


def test_competing_workers_never_send_the_same_row_twice(lms, tool):
    """Three delivery workers race over 60 queued grades (as three gunicorn workers would): each row is
    claimed by exactly one of them, so the platform never even sees a duplicate request."""
    race(lms("generic"), tool(PLCHOICE_OUTBOX_WORKER="0"))


@pytest.mark.postgres
def test_outbox_on_postgresql(lms, tool, postgres_url):
    """The same claims on PostgreSQL (row-level conditional UPDATEs), and a 503 spell survived."""
    platform, server = lms("generic"), tool(PLCHOICE_DATABASE_URL=postgres_url)
    connect(platform, server)
    link = Browser(platform, server, "instructor-1").deep_link(default_choice_definition())
    faults(platform, mode="503", count=3)
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    scores_at_least(platform, 1)
    assert platform_state(platform)["faults"]["failed"] == 3
    assert_exactly_once(platform_state(platform)["scores"], outbox_rows(server))
    server.stop()  # its delivery thread must not join the race below
    race(lms("generic"), tool(PLCHOICE_OUTBOX_WORKER="0", PLCHOICE_DATABASE_URL=postgres_url))


def race(platform, server) -> None:
    import threading
    from datetime import UTC, datetime, timedelta

    from demo_platform.state import ROLE, Member
    from lti_tool.lti.ags import OutboxGradeSink
    from lti_tool.lti.launch_context import LaunchContext
    from lti_tool.lti.outbox import Outbox, OutboxSettings
    from lti_tool.lti.service_tokens import SCORE_SCOPE, TokenCache
    from xblock_plchoice.core.store import LearnerRecord

    ids = connect(platform, server, client_id=f"race-{platform.url[-5:]}")
    item = platform.state.add_lineitem({"label": "Race", "scoreMaximum": 4})
    lineitem_url = f"{platform.url}/ags/{platform.state.context_id}/lineitems/{item['id']}"
    context = LaunchContext(
        launch_id="race", registration_id=1, issuer=platform.url, client_id=ids["client_id"],
        deployment_id=ids["deployment_id"], user_id="instructor-1", role="staff", display_name="", context_id="c",
        course_key="race", resource_link_id="rl", activity_id="a", activity_key="race", locale="en",
        message_type="LtiResourceLinkRequest",
        ags={"scope": [SCORE_SCOPE], "lineitem": lineitem_url})
    sessions = server.sessions()
    start = datetime.now(UTC)
    with sessions.begin() as session:
        sink = OutboxGradeSink(session, context, launch_url=server.url + "/lti/launch")
        for i in range(60):
            platform.state.members[f"racer-{i}"] = Member(f"racer-{i}", f"Racer {i}", [ROLE + "Learner"])
            at = (start + timedelta(milliseconds=i)).isoformat()
            sink.scored(LearnerRecord("race", "race", f"racer-{i}"), {"number": 1, "submitted_at": at,
                        "review": {"decision": "mastered", "feedback": "ok", "at": at}}, 4.0, 4.0)
    tokens = TokenCache()
    workers = [Outbox(sessions, OutboxSettings(batch=7), tokens=tokens) for _ in range(3)]
    reports = []
    threads = [threading.Thread(target=lambda w=w: reports.append(w.run_once())) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    state = platform_state(platform)
    assert sum(r.delivered for r in reports) == 60 and len(state["scores"]) == 60, [vars(r) for r in reports]
    assert state["idempotency_replays"] == 0 and state["rejected_scores"] == []
    mine = [r for r in outbox_rows(server) if r.activity_key == "race" and r.issuer == platform.url]
    assert len(mine) == 60 and all(r.status == "delivered" for r in mine)
    assert tokens.fetches == 1
