"""Issue 8's view rules in the core: no score while revising, no second proposal after approval, a
redirect that names the way it suggests, and staff's paged list of shared reflections."""

from __future__ import annotations

import pytest

from xblock_plchoice.core.context import Actor
from xblock_plchoice.core.errors import PermissionDenied, ValidationError
from xblock_plchoice.core.protocol import dispatch
from xblock_plchoice.core.store import MemoryStore

from .helpers import ALICE, BOB, GOOD_RATINGS, STAFF, make_ctx, make_reflection_ctx
from .test_workflow import review, submit_once


def test_no_score_while_revising_only_after_mastery():
    ctx = make_ctx()
    submit_once(ctx)
    review(ctx, "revise")
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["status"] == "revise" and me["score"] is None
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    dispatch("submit", ALICE, {"text": "Better"}, ctx)
    review(ctx, "mastered", attempt=2, feedback="")
    assert dispatch("state", ALICE, {}, ctx)["me"]["score"] == {"earned": 10.0, "possible": 10.0}


def test_after_approval_the_learner_is_not_offered_to_propose_again():
    ctx = make_ctx()
    assert dispatch("state", ALICE, {}, ctx)["me"]["can"]["propose"] is True
    dispatch("propose", ALICE, {"title": "A comic strip", "plan": "Six panels"}, ctx)
    dispatch("decide_proposal", STAFF, {"learner_id": "alice", "decision": "approve", "note": ""}, ctx)
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["proposal"]["status"] == "approved" and me["can"]["propose"] is False
    assert me["can"]["edit"] is True


def test_redirect_names_the_suggested_way_and_the_learner_sees_its_title():
    ctx = make_ctx()
    dispatch("propose", ALICE, {"title": "A song", "plan": "Verse"}, ctx)
    item = dispatch("decide_proposal", STAFF, {"learner_id": "alice", "decision": "redirect", "note": "Talk it",
                                               "suggested_option_id": "record"}, ctx)["item"]
    assert item["proposal"]["suggested_option"] == {"id": "record", "title": "Record a short talk"}
    me = dispatch("state", ALICE, {}, ctx)["me"]
    assert me["proposal"]["suggested_option"]["title"] == "Record a short talk"
    assert me["can"]["choose"] is True


@pytest.mark.parametrize("extra", [
    {"suggested_option_id": "nope"}, {"suggested_option_id": 3}, {"suggested_option_id": ["write"]},
    {"suggested_option_id": "proposal"}, {"suggested_option_id": {"id": "write"}},
])
def test_a_suggestion_must_be_an_offered_way(extra):
    ctx = make_ctx()
    dispatch("propose", ALICE, {"title": "A song", "plan": "Verse"}, ctx)
    with pytest.raises(ValidationError) as refused:
        dispatch("decide_proposal", STAFF, {"learner_id": "alice", "decision": "redirect", "note": "x", **extra}, ctx)
    assert refused.value.to_dict(lambda s: s)["field"] == "suggested_option_id"
    assert ctx.store.get_record("act-1", "alice").proposal["status"] == "pending"


def test_a_suggestion_only_goes_with_a_redirect():
    ctx = make_ctx()
    dispatch("propose", ALICE, {"title": "A song", "plan": "Verse"}, ctx)
    with pytest.raises(ValidationError):
        dispatch("decide_proposal", STAFF, {"learner_id": "alice", "decision": "approve",
                                            "suggested_option_id": "write"}, ctx)


def _reflect(ctx, actor, answers, share):
    dispatch("reflect", actor, {"phase": "before", "answers": answers, "share_with_staff": share}, ctx)


def test_staff_read_shared_reflections_newest_first_in_authored_prompt_order_and_paged():
    store = MemoryStore()
    ctx = make_reflection_ctx(store=store)
    _reflect(ctx, Actor("alice", display_name="Alice A."), {"strategy": "Flashcards", "goal": "Speak up"}, True)
    _reflect(ctx, Actor("bob", display_name="Bob"), {"goal": "Private goal"}, False)
    _reflect(ctx, Actor("cai"), {"goal": "Read more"}, True)
    other = make_reflection_ctx(store=store, activity_key="act-2")
    _reflect(other, Actor("dee"), {"goal": "Elsewhere"}, True)

    page = dispatch("shared_reflections", STAFF, {"page": 1, "page_size": 1}, ctx)
    assert (page["total"], page["pages"], page["page"]) == (2, 2, 1)
    assert page["items"][0]["learner_id"] == "cai" and page["items"][0]["display_name"] == ""
    second = dispatch("shared_reflections", STAFF, {"page": "2", "page_size": 1}, ctx)["items"][0]
    assert second["display_name"] == "Alice A." and second["phase"] == "before"
    # The prompts' authored order (goal, then strategy), whatever order the answers came in.
    assert [(a["prompt_id"], a["answer"]) for a in second["answers"]] == [("goal", "Speak up"),
                                                                          ("strategy", "Flashcards")]
    assert second["answers"][0]["prompt"] == "What do you want to get better at this week?"
    everything = dispatch("shared_reflections", STAFF, {}, ctx)
    assert "Private goal" not in str(everything) and "Elsewhere" not in str(everything)


def test_shared_reflections_work_on_a_choice_block_too():
    ctx = make_ctx()
    dispatch("reflect", ALICE, {"phase": "before", "answers": {"goal": "Explain it"}, "share_with_staff": True}, ctx)
    assert dispatch("shared_reflections", STAFF, {}, ctx)["items"][0]["answers"][0]["answer"] == "Explain it"


@pytest.mark.parametrize("actor", [ALICE, BOB, Actor("anon", "anonymous")])
def test_shared_reflections_are_staff_only(actor):
    ctx = make_reflection_ctx()
    _reflect(ctx, ALICE, {"goal": "Speak up"}, True)
    with pytest.raises(PermissionDenied):
        dispatch("shared_reflections", actor, {}, ctx)


@pytest.mark.parametrize("payload, field", [
    ({"page": "one"}, "page"), ({"page": 0}, "page"), ({"page": [1]}, "page"), ({"page": True}, "page"),
    ({"page_size": 0}, "page_size"), ({"page_size": 10_000}, "page_size"), ({"page_size": {"n": 1}}, "page_size"),
    ({"page": 1.5}, "page"), ({"page": None}, "page"), ({"page_size": "x"}, "page_size"),
])
def test_shared_reflections_wrong_types_name_the_field(payload, field):
    ctx = make_reflection_ctx()
    with pytest.raises(ValidationError) as refused:
        dispatch("shared_reflections", STAFF, payload, ctx)
    assert refused.value.to_dict(lambda s: s)["field"] == field
