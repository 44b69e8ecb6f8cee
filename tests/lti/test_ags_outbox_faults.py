"""The AGS outbox under faults, over HTTP: the platform answers 503 and times out for a while,
the tool is killed and restarted mid-way, and every grade still arrives exactly once, in order."""

from __future__ import annotations

import time

import requests
from sqlalchemy import select

from lti_tool.db.outbox_models import GradeOutbox
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, lms, platform_state, tool, wait_for  # noqa: F401
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
