"""core.deadlines: the earlier of the activity's own due date and the platform's applies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from xblock_plchoice.core import deadlines
from xblock_plchoice.core.activity import default_choice_definition, parse_activity
from xblock_plchoice.core.context import Context
from xblock_plchoice.core.store import MemoryStore

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


def _ctx(own: datetime | None, platform: datetime | None) -> Context:
    definition = default_choice_definition()
    definition["policies"]["due"] = own.isoformat() if own else None
    return Context(activity=parse_activity(definition), activity_key="a", course_key="c", store=MemoryStore(),
                   clock=lambda: NOW, platform_due=platform)


def test_no_due_date_anywhere():
    ctx = _ctx(None, None)
    assert deadlines.base_due(ctx.activity, ctx) is None
    assert deadlines.resolve(ctx.activity, ctx).to_view() == {"at": None, "source": None, "overridden": None}
    assert deadlines.is_past_due(ctx.activity, ctx) is False


def test_only_the_activity_due_date_is_the_lti_case():
    own = NOW - timedelta(hours=1)
    ctx = _ctx(own, None)
    due = deadlines.resolve(ctx.activity, ctx)
    assert (due.at, due.source, due.overridden) == (own, "activity", None)
    assert deadlines.is_past_due(ctx.activity, ctx) is True


def test_only_the_platform_due_date():
    platform = NOW + timedelta(days=1)
    ctx = _ctx(None, platform)
    assert deadlines.resolve(ctx.activity, ctx).source == "platform"
    assert deadlines.base_due(ctx.activity, ctx) == platform
    assert deadlines.is_past_due(ctx.activity, ctx) is False


def test_the_earlier_applies_and_the_later_is_reported_as_overridden():
    early, late = NOW + timedelta(days=1), NOW + timedelta(days=3)
    ctx = _ctx(early, late)
    assert deadlines.resolve(ctx.activity, ctx) == deadlines.DueDate(early, "activity", late)
    ctx = _ctx(late, early)
    assert deadlines.resolve(ctx.activity, ctx) == deadlines.DueDate(early, "platform", late)
    assert deadlines.resolve(ctx.activity, ctx).to_view()["overridden"] == late.isoformat()


def test_an_activity_date_cannot_extend_a_passed_platform_date():
    ctx = _ctx(NOW + timedelta(days=5), NOW - timedelta(minutes=1))
    assert deadlines.is_past_due(ctx.activity, ctx) is True


@settings(max_examples=200, deadline=None)
@given(own=st.none() | st.integers(-10**6, 10**6), platform=st.none() | st.integers(-10**6, 10**6))
def test_the_date_that_applies_is_always_the_earlier_one(own, platform):
    own_at = None if own is None else NOW.replace(second=0) + timedelta(minutes=own)
    platform_at = None if platform is None else NOW + timedelta(minutes=platform)
    ctx = _ctx(own_at, platform_at)
    present = [d for d in (own_at, platform_at) if d is not None]
    due = deadlines.resolve(ctx.activity, ctx)
    assert due.at == (min(present) if present else None)
    assert (due.overridden is not None) == (len(present) == 2)
    if due.overridden is not None:
        assert due.overridden == max(present)
    assert deadlines.is_past_due(ctx.activity, ctx) == bool(present and NOW > min(present))
