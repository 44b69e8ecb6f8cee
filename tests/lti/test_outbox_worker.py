"""``create_app`` starts the AGS outbox delivery thread: ``gunicorn "lti_tool:create_app()"`` sends grades
with no other process; ``PLCHOICE_OUTBOX_WORKER=0`` and TESTING apps leave it off; its timings are settings."""

from __future__ import annotations

import threading
import time

import pytest

from lti_tool.config import ConfigError, load_settings
from lti_tool.lti import outbox
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, connect, platform_state
from .test_ags_scores import scores_at_least, submit_work


def delivery_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "plchoice-ags-outbox" and t.is_alive()}


def test_create_app_starts_one_delivery_thread_unless_turned_off(make_app):
    before = delivery_threads()
    assert "plchoice_outbox" not in make_app().extensions  # TESTING apps: off unless asked for
    assert "plchoice_outbox" not in make_app(TESTING=False, OUTBOX_WORKER="0").extensions
    assert delivery_threads() == before
    app = make_app(OUTBOX_WORKER="1", OUTBOX_POLL="0.1")
    stop = app.extensions["plchoice_outbox"]
    started = delivery_threads() - before
    try:
        assert len(started) == 1
        outbox.init_app(app)  # a second call (as demo_platform.tool_runner makes) adds nothing
        assert app.test_client().get("/healthz").status_code == 200  # the per-request check finds it alive
        assert delivery_threads() - before == started
    finally:
        stop.set()
        outbox.wake()
        for thread in started:
            thread.join(10)
    assert not any(thread.is_alive() for thread in started)


def test_outbox_timings_are_settings_with_the_same_variable_names():
    env = {"PLCHOICE_OUTBOX_BACKOFF_BASE": "0.5", "PLCHOICE_OUTBOX_BACKOFF_MAX": "30", "PLCHOICE_OUTBOX_LEASE": "7",
           "PLCHOICE_OUTBOX_POLL": "0.25", "PLCHOICE_OUTBOX_MAX_TRIES": "4", "PLCHOICE_AGS_TIMEOUT": "3",
           "PLCHOICE_OUTBOX_WORKER": "0"}
    settings = load_settings(environ=env)
    assert settings.outbox_worker is False
    timing = outbox.OutboxSettings.from_settings(settings)
    assert (timing.backoff_base, timing.backoff_max, timing.lease_seconds, timing.poll_seconds, timing.max_tries,
            timing.http_timeout) == (0.5, 30.0, 7.0, 0.25, 4, 3.0)
    defaults = outbox.OutboxSettings.from_settings(load_settings(environ={}))
    assert defaults == outbox.OutboxSettings()  # unset: the same defaults as before
    assert load_settings(environ={}).outbox_worker is None
    for name, value, words in (("PLCHOICE_OUTBOX_POLL", "soon", "number of seconds"),
                               ("PLCHOICE_AGS_TIMEOUT", "-1", "not negative"),
                               ("PLCHOICE_OUTBOX_MAX_TRIES", "many", "whole number"),
                               ("PLCHOICE_OUTBOX_WORKER", "sometimes", "true or false")):
        with pytest.raises(ConfigError, match=words):
            load_settings(environ={name: value})


def test_gunicorn_app_delivers_grades_by_itself(lms, tool):
    """Two gunicorn workers, each with its delivery thread, and nothing else running: the grade arrives once."""
    platform, server = lms("generic"), tool(gunicorn_workers=2)
    connect(platform, server)
    link = Browser(platform, server, "instructor-1").deep_link(default_choice_definition())
    submit_work(Browser(platform, server, "learner-1"), link["id"])
    scores = scores_at_least(platform, 1)
    assert scores[0]["activityProgress"] == "Submitted" and scores[0]["userId"] == "learner-1"
    time.sleep(1.5)  # a second worker sending the same row would show up now
    assert len(platform_state(platform)["scores"]) == 1
