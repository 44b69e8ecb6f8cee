"""``view_as_learner``: staff replay learner steps in a throwaway store; nothing reaches the real one."""

from __future__ import annotations

import pytest

from xblock_plchoice.core.activity import default_choice_definition, parse_activity
from xblock_plchoice.core.context import Actor, Context, NullGradeSink
from xblock_plchoice.core.errors import MalformedPayload, PermissionDenied
from xblock_plchoice.core.preview import MAX_STEPS
from xblock_plchoice.core.protocol import dispatch
from xblock_plchoice.core.store import MemoryBlobStore, MemoryStore

STAFF = Actor("staff-1", "staff", "Ada")
RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}
FLOW = [{"command": "profile", "payload": {"strengths": "drawing"}},
        {"command": "reflect", "payload": {"phase": "before", "answers": {"goal": "Learn it"}}},
        {"command": "choose", "payload": {"option_id": "write"}},
        {"command": "self_assess", "payload": {"ratings": RATINGS}},
        {"command": "submit", "payload": {"text": "Light in, sugar out.", "links": [], "file_ids": []}}]


@pytest.fixture
def ctx() -> Context:
    return Context(activity=parse_activity(default_choice_definition()), activity_key="act", course_key="course",
                   store=MemoryStore(), blobs=MemoryBlobStore(), grades=NullGradeSink())


def test_the_whole_learner_flow_leaves_nothing_behind(ctx):
    view = dispatch("view_as_learner", STAFF, {"steps": FLOW}, ctx)
    assert view["preview"] is True and view["role"] == "learner"
    assert view["me"]["status"] == "submitted" and len(view["me"]["attempts"]) == 1
    store = ctx.store
    assert (store.records, store.counters, store.reflections, store.profiles, store.files) == ({}, {}, [], {}, {})
    assert ctx.blobs.blobs == {} and ctx.grades.events == []


def test_no_steps_is_a_learner_who_has_not_started(ctx):
    view = dispatch("view_as_learner", STAFF, {}, ctx)
    assert view["me"]["status"] == "not_started" and view["preview"] is True


def test_learners_may_not_preview(ctx):
    with pytest.raises(PermissionDenied):
        dispatch("view_as_learner", Actor("learner-1"), {"steps": FLOW}, ctx)


@pytest.mark.parametrize("steps, field", [
    ("choose", "steps"), (7, "steps"), ({"command": "choose"}, "steps"),
    ([{"command": "review", "payload": {}}], "steps[0]"),  # a staff command is not a learner step
    ([{"command": "state", "payload": "x"}], "steps[0]"), ([{"command": 3}], "steps[0]"),
    ([{"command": "nope"}], "steps[0]"), ([None], "steps[0]"),
    ([{"command": "state", "payload": {}}] * (MAX_STEPS + 1), "steps"),
])
def test_wrong_steps_name_the_field(ctx, steps, field):
    with pytest.raises(MalformedPayload) as caught:
        dispatch("view_as_learner", STAFF, {"steps": steps}, ctx)
    assert caught.value.to_dict()["field"] == field
    assert ctx.store.records == {}


def test_every_null_defaulted_sink_is_replaced(ctx):
    from xblock_plchoice.core.preview import throwaway_context

    scratch = throwaway_context(ctx)
    assert scratch.store is not ctx.store and scratch.blobs is not ctx.blobs and scratch.grades is not ctx.grades
    assert scratch.activity is ctx.activity and scratch.activity_key == "preview:act"
