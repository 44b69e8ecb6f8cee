"""Shared builders for core tests: a context on the in-memory reference store, with a fixed clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from xblock_plchoice.core.activity import default_choice_definition, default_reflection_definition, parse_activity
from xblock_plchoice.core.context import Actor, Context, Limits, NullGradeSink
from xblock_plchoice.core.store import MemoryBlobStore, MemoryStore

ALICE = Actor("alice")
BOB = Actor("bob")
STAFF = Actor("staff1", "staff")
GOOD_RATINGS = {"accuracy": "meets", "clarity": "exceeds", "evidence": "meets"}


class Clock:
    """A clock that ticks one second per reading, so every event has a distinct, ordered time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def make_ctx(definition: dict | None = None, *, store=None, blobs=None, activity_key: str = "act-1",
             course_key: str = "course-1", limits: Limits | None = None, **policies) -> Context:
    definition = definition or default_choice_definition()
    if policies:
        definition = {**definition, "policies": {**definition.get("policies", {}), **policies}}
    counter = itertools.count(1)
    return Context(activity=parse_activity(definition), activity_key=activity_key, course_key=course_key,
                   store=store if store is not None else MemoryStore(),
                   blobs=blobs if blobs is not None else MemoryBlobStore(),
                   grades=NullGradeSink(), limits=limits or Limits(), clock=Clock(),
                   new_id=lambda: f"id{next(counter):06d}")


def make_reflection_ctx(**kwargs) -> Context:
    return make_ctx(default_reflection_definition(), **kwargs)


def records_from_before_the_distribution_counters() -> tuple[list, dict[str, float]]:
    """Learners with self-assessed, reviewed attempts, and the counters a store held before issue 10.

    For the data-migration tests: those counters lack the calibration distribution, which the
    migrations must fill so that it agrees with a full recount.
    """
    from xblock_plchoice.core import analytics
    from xblock_plchoice.core.protocol import dispatch

    ctx = make_ctx(max_revisions=3)
    seed = (("alice", "exceeds", ("revise", "mastered")), ("bob", "not_yet", ("revise",)))
    for learner, self_level, decisions in seed:
        actor = Actor(learner)
        dispatch("choose", actor, {"option_id": "write"}, ctx)
        for number, decision in enumerate(decisions, start=1):
            dispatch("self_assess", actor, {"ratings": {**GOOD_RATINGS, "evidence": self_level}}, ctx)
            dispatch("submit", actor, {"text": "My work"}, ctx)
            dispatch("review", STAFF, {"learner_id": learner, "attempt": number, "ratings": GOOD_RATINGS,
                                       "feedback": "Add data", "decision": decision}, ctx)
    records = list(ctx.store.iter_records("act-1"))
    new = set(analytics.distribution_counters(records))
    assert new, "the seed must have pairs to distribute"
    old = {k: v for k, v in ctx.store.get_counters("act-1").items() if k not in new}
    return records, old
