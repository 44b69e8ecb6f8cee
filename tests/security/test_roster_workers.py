"""The roster never blocks a worker: two sync gunicorn workers, and the staff page's two concurrent
``/api/queue`` calls (the main queue and the proposals list) both answer at once, although fetching the roster
needs a token for which the platform calls back into the tool for its key set. The not-started learners
appear once the background refresh stored the roster, and the proposals list never asks for it."""

from __future__ import annotations

import threading
import time

from tests.lti.platform_fixtures import Browser, connect, wait_for
from tests.lti.test_ags_scores import submit_work
from xblock_plchoice.core.activity import default_choice_definition

BOUND = 5.0  # "does not hang": generous; a blocked worker waits 10 s or more


def test_staff_page_queue_calls_answer_at_once_with_two_sync_workers(lms, tool):
    platform, server = lms("generic"), tool(gunicorn_workers=2)
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    staff_page = teacher.launch("link", link=link["id"]).text

    calls = {"queue": {"page": 1, "page_size": 20, "status": "submitted", "option_id": None},
             "proposals": {"page": 1, "page_size": 100, "status": "proposal_pending", "option_id": None}}
    answers: dict[str, tuple[int, dict, float]] = {}

    def ask(name: str) -> None:
        started = time.monotonic()
        response = teacher.api(staff_page, "queue", calls[name])
        answers[name] = (response.status_code, response.json(), time.monotonic() - started)

    threads = [threading.Thread(target=ask, args=(name,)) for name in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(answers) == set(calls)
    for name, (status, body, elapsed) in answers.items():
        assert status == 200, (name, body)
        assert elapsed < BOUND, f"{name} waited {elapsed:.1f}s for the platform"
    queue, proposals = answers["queue"][1], answers["proposals"][1]
    assert [item["learner_id"] for item in queue["items"]] == ["learner-1"]
    assert "not_started" not in proposals and "roster_notice" not in proposals
    assert "roster could not be loaded" not in queue.get("roster_notice", "")

    def listed() -> dict | None:
        started = time.monotonic()
        response = teacher.api(staff_page, "queue", calls["queue"])
        assert response.status_code == 200 and time.monotonic() - started < BOUND
        body = response.json()
        return body if body["not_started"] else None

    body = wait_for(listed, timeout=30, interval=0.3, message="the roster in the staff queue")
    assert [m["learner_id"] for m in body["not_started"]] == ["learner-3", "learner-2"]
    assert "roster_notice" not in body and not body.get("roster_loading")
