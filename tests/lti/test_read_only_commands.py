"""Read-only /api commands (state, log, queue, analytics) read without SQLite's write lock.

SQLite has one write lock per database. Before, every /api command began ``BEGIN IMMEDIATE``, so a
learner's `state` waited behind any writer (another learner's upload, the outbox, a housekeeping
sweep) for up to the 30 s busy timeout. Here a writer holds the lock while the read-only commands run;
they must answer at once with the last committed data, and a writing command must still wait for it.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from xblock_plchoice.core.protocol import COMMANDS

from .conftest import api_headers, launch_config
from .helpers.tokens import INSTRUCTOR

# view_as_learner replays learner steps in a throwaway memory store: it reads only the activity.
READ_ONLY = {"state", "log", "queue", "analytics", "rubric_impact", "shared_reflections", "view_as_learner"}


def test_the_read_only_commands_are_exactly_the_ones_that_only_read():
    assert {name for name, spec in COMMANDS.items() if spec.read_only} == READ_ONLY


def test_read_only_commands_answer_while_a_writer_holds_the_lock(app, platform):
    learner = app.test_client()
    response, _, _ = platform.launch(learner)
    learner_headers = api_headers(launch_config(response))
    assert learner.post("/api/choose", json={"option_id": "write"}, headers=learner_headers).status_code == 200
    staff = app.test_client()
    response, _, _ = platform.launch(staff, sub="teacher-1", roles=[INSTRUCTOR])
    staff_headers = api_headers(launch_config(response))

    tool = app.extensions["plchoice"]
    holder = tool.engine.connect()
    holding = holder.begin()  # the engine begins IMMEDIATE: another worker's write transaction, open
    holder.exec_driver_sql("UPDATE plc_counter SET value = value")
    try:
        for client, headers, command in ((learner, learner_headers, "state"), (learner, learner_headers, "log"),
                                         (staff, staff_headers, "queue"), (staff, staff_headers, "analytics"),
                                         (staff, staff_headers, "shared_reflections")):
            started = time.monotonic()
            answer = client.post(f"/api/{command}", json={}, headers=headers)
            assert answer.status_code == 200, (command, answer.get_data(as_text=True))
            assert time.monotonic() - started < 10, f"{command} waited for the write lock"
        assert learner.post("/api/state", json={}, headers=learner_headers).json["me"]["status"] == "chosen"

        finished = threading.Event()

        def write() -> None:
            learner.post("/api/save_draft", json={"text": "draft"}, headers=learner_headers)
            finished.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert not finished.wait(1.0), "a writing command must wait for the write lock"
    finally:
        holding.rollback()
        holder.close()
    writer.join(timeout=30)
    assert finished.is_set()
    with tool.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM plc_learner_record")).scalar() == 1
