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
