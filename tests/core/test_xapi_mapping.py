"""Events from the core's commands, and their one mapping to xAPI statements (core.events, core.xapi)."""

import json

import pytest

from xblock_plchoice.core import events as ev
from xblock_plchoice.core import xapi
from xblock_plchoice.core.protocol import dispatch
from xblock_plchoice.core.store import LearnerRecord

from .helpers import ALICE, GOOD_RATINGS, STAFF, make_ctx

HOME = xapi.url_home("https://platform.example", "https://tool.example")


def _ctx():
    ctx = make_ctx()
    ctx.events = ev.ListEventSink()
    return ctx


def _loop(ctx):
    dispatch("propose", ALICE, {"title": "A podcast", "plan": "Record an episode"}, ctx)
    dispatch("decide_proposal", STAFF, {"learner_id": "alice", "decision": "redirect", "note": "Try writing"}, ctx)
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS, "comment": "ok"}, ctx)
    dispatch("submit", ALICE, {"text": "My explanation"}, ctx)
    dispatch("review", STAFF, {"learner_id": "alice", "attempt": 1, "ratings": GOOD_RATINGS,
                               "feedback": "", "decision": "mastered"}, ctx)


def test_each_command_emits_its_event_once_in_order():
    ctx = _ctx()
    _loop(ctx)
    kinds = [e.kind for e in ctx.events.events]
    assert kinds == ["proposal_made", "proposal_decided", "option_chosen", "self_assessed",
                     "evidence_submitted", "reviewed"]
    decided, reviewed = ctx.events.events[1], ctx.events.events[-1]
    assert decided.actor_id == "staff1" and decided.learner_id == "alice" and decided.data["decision"] == "redirect"
    assert reviewed.actor_id == "staff1" and reviewed.data["ratings"] == GOOD_RATINGS
    assert all(e.name.startswith("edx.plchoice.") for e in ctx.events.events)


def test_replies_from_both_sides_emit_one_replied_event_each():
    ctx = _ctx()
    _loop(ctx)
    dispatch("reply", ALICE, {"attempt": 1, "text": "Thank you, why exceeds?"}, ctx)
    dispatch("reply", STAFF, {"learner_id": "alice", "attempt": 1, "text": "Because of your sources."}, ctx)
    replies = [e for e in ctx.events.events if e.kind == "replied"]
    assert [(e.actor_id, e.data["text"], e.data["by_learner"], e.data["attempt"]) for e in replies] == [
        ("alice", "Thank you, why exceeds?", True, 1), ("staff1", "Because of your sources.", False, 1)]
    assert len({e.id for e in replies}) == 2
    statement = xapi.statement(replies[0], HOME)
    assert statement["verb"]["id"].endswith("/commented") or "comment" in statement["verb"]["id"]
    assert "Secret" not in json.dumps(statement)
    dispatch("state", ALICE, {}, ctx)  # a read adds no event
    assert len([e for e in ctx.events.events if e.kind == "replied"]) == 2


def test_a_change_that_changes_nothing_emits_nothing():
    ctx = _ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    dispatch("save_draft", ALICE, {"text": "draft"}, ctx)
    assert [e.kind for e in ctx.events.events] == ["option_chosen"]


def test_evidence_is_described_never_copied_and_no_name_travels():
    ctx = _ctx()
    alice = type(ALICE)("alice", display_name="Alice Secretname")
    dispatch("choose", alice, {"option_id": "write"}, ctx)
    dispatch("self_assess", alice, {"ratings": GOOD_RATINGS}, ctx)
    dispatch("submit", alice, {"text": "PRIVATE ESSAY"}, ctx)
    submitted = ctx.events.events[-1]
    assert submitted.data["evidence"] == {"has_text": True, "links": 0, "files": 0, "file_kinds": []}
    dumped = json.dumps([xapi.statement(e, HOME) for e in ctx.events.events]) + json.dumps(
        [e.fields() for e in ctx.events.events])
    assert "PRIVATE ESSAY" not in dumped and "Secretname" not in dumped


def test_statement_ids_are_deterministic_and_distinct():
    first, second = _ctx(), _ctx()
    _loop(first)
    _loop(second)
    ids = [e.id for e in first.events.events]
    assert ids == [e.id for e in second.events.events]
    assert len(set(ids)) == len(ids)
    assert [xapi.statement(e, HOME)["id"] for e in first.events.events] == ids
    other_course = ev.Event(**{**first.events.events[0].__dict__, "course_key": "course-2"})
    assert other_course.id != ids[0]


def test_statements_use_the_profile_verbs_and_opaque_accounts():
    ctx = _ctx()
    _loop(ctx)
    statements = {e.kind: xapi.statement(e, HOME) for e in ctx.events.events}
    verbs = {kind: s["verb"]["id"] for kind, s in statements.items()}
    assert verbs == {
        "proposal_made": "http://adlnet.gov/expapi/verbs/asked",
        "proposal_decided": "http://adlnet.gov/expapi/verbs/responded",
        "option_chosen": "http://adlnet.gov/expapi/verbs/preferred",
        "self_assessed": "http://id.tincanapi.com/verb/rated",
        "evidence_submitted": "http://activitystrea.ms/schema/1.0/submit",
        "reviewed": "http://adlnet.gov/expapi/verbs/mastered",
    }
    review = statements["reviewed"]
    assert review["actor"] == {"objectType": "Agent", "account": {"homePage": "https://platform.example",
                                                                  "name": "alice"}}
    assert review["context"]["instructor"]["account"]["name"] == "staff1"
    assert review["result"]["success"] is True and review["result"]["score"] == {"scaled": 1.0}
    assert review["result"]["extensions"][xapi.extension("ratings")] == GOOD_RATINGS
    assert review["object"]["id"] == "https://tool.example/xapi/activities/act-1"
    chosen = statements["option_chosen"]
    assert chosen["object"]["id"] == "https://tool.example/xapi/activities/act-1/options/write"
    assert chosen["context"]["contextActivities"]["parent"][0]["id"] == review["object"]["id"]
    decided = statements["proposal_decided"]
    assert decided["actor"]["account"]["name"] == "staff1"
    assert decided["context"]["extensions"][xapi.extension("learner")]["account"]["name"] == "alice"
    assert "alice" not in decided["object"]["id"]
    for statement in statements.values():
        assert set(statement["actor"]) == {"objectType", "account"}  # never name, mbox or email


def test_a_revise_decision_is_progress_not_a_zero():
    ctx = _ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)
    dispatch("submit", ALICE, {"text": "x"}, ctx)
    dispatch("review", STAFF, {"learner_id": "alice", "attempt": 1, "ratings": GOOD_RATINGS,
                               "feedback": "More", "decision": "revise"}, ctx)
    statement = xapi.statement(ctx.events.events[-1], HOME)
    assert statement["verb"]["id"] == xapi.VERBS["progressed"]
    assert statement["result"]["success"] is False and "score" not in statement["result"]


def test_reflection_text_travels_only_when_shared():
    ctx = _ctx()
    answers = {"goal": "MY PRIVATE GOAL", "plan": "step by step"}
    dispatch("reflect", ALICE, {"phase": "before", "answers": answers, "share_with_staff": False}, ctx)
    dispatch("reflect", ALICE, {"phase": "before", "answers": answers, "share_with_staff": True}, ctx)
    private, shared = (xapi.statement(e, HOME) for e in ctx.events.events)
    assert private["verb"]["id"] == xapi.VERBS["completed"] and "result" not in private
    assert "MY PRIVATE GOAL" not in json.dumps(private) + json.dumps(ctx.events.events[0].fields())
    assert shared["verb"]["id"] == xapi.VERBS["shared"]
    assert shared["result"]["extensions"][xapi.extension("answers")] == answers
    assert "MY PRIVATE GOAL" in shared["result"]["response"]
    assert private["id"] != shared["id"]


def test_reply_mapping_names_the_attempt_and_carries_the_text():
    record = LearnerRecord(activity_key="act-1", course_key="course-1", learner_id="alice")
    event = ev.replied(record, 2, "r1", "alice", "Thanks, I will add a diagram", "2026-03-01T09:00:00+00:00",
                       "Explain")
    statement = xapi.statement(event, HOME)
    assert statement["verb"]["id"] == xapi.VERBS["commented"]
    assert statement["result"]["response"] == "Thanks, I will add a diagram"
    assert statement["context"]["extensions"][xapi.extension("attempt")] == 2
    assert statement["context"]["extensions"][xapi.extension("by-learner")] is True
    staff_reply = ev.replied(record, 2, "r2", "staff1", "Good", "2026-03-01T09:01:00+00:00")
    assert xapi.statement(staff_reply, HOME)["context"]["instructor"]["account"]["name"] == "staff1"


def test_fields_round_trip_to_the_same_statement():
    ctx = _ctx()
    _loop(ctx)
    for event in ctx.events.events:
        back = ev.Event.from_fields(json.loads(json.dumps(event.fields())))
        assert xapi.statement(back, HOME) == xapi.statement(event, HOME)


def test_a_failed_change_emits_nothing():
    ctx = _ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS}, ctx)

    class Boom(ev.ListEventSink):
        def emit(self, event):
            raise RuntimeError("sink down")

    ctx.events = Boom()
    with pytest.raises(RuntimeError):
        dispatch("submit", ALICE, {"text": "x"}, ctx)
    assert ctx.store.get_record("act-1", "alice").attempts == []  # the event and its change commit together


def test_the_published_profile_lists_every_verb_and_extension_the_mapping_uses():
    from pathlib import Path

    profile = (Path(__file__).resolve().parents[2] / "docs" / "XAPI.md").read_text(encoding="utf-8")
    ctx = _ctx()
    _loop(ctx)
    dispatch("reflect", ALICE, {"phase": "after", "answers": {"worked": "x"}, "share_with_staff": True}, ctx)
    used = set()
    for event in ctx.events.events:
        statement = xapi.statement(event, HOME)
        for part in (statement.get("result", {}), statement["context"]):
            used |= set(part.get("extensions", {}))
    known = {xapi.extension(name) for name in xapi.EXTENSION_NAMES}
    assert used <= known, used - known
    for name in xapi.EXTENSION_NAMES:
        assert f"`{name}`" in profile, name
    for iri in (*xapi.VERBS.values(), *xapi.ACTIVITY_TYPES.values()):
        assert iri in profile, iri
    for name in ev.KINDS.values():
        assert name in profile, name


def test_fields_that_name_no_kind_are_refused_with_the_known_kinds():
    with pytest.raises(ev.UnknownEventKind, match="option_chosen"):
        ev.Event.from_fields({"kind": "<script>"})
