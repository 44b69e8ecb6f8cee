"""The analytics view's chart data (option bars, calibration distribution, equity lens) and the
per-learner calibration in the review queue and the learning log, through ``dispatch`` as the homes call it."""

from datetime import UTC, datetime

import pytest

from xblock_plchoice.core import analytics
from xblock_plchoice.core.activity import default_choice_definition
from xblock_plchoice.core.context import Actor
from xblock_plchoice.core.errors import PermissionDenied
from xblock_plchoice.core.protocol import dispatch

from .helpers import ALICE, BOB, STAFF, Clock, make_ctx

ALL_MEETS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}


def attempt(ctx, learner, self_ratings, staff_ratings, decision, option="write"):
    """One learner chooses (first time), self-assesses, submits, and gets a decision."""
    record = ctx.store.get_record(ctx.activity_key, learner.user_id)
    if record is None:
        dispatch("choose", learner, {"option_id": option}, ctx)
    dispatch("self_assess", learner, {"ratings": self_ratings}, ctx)
    dispatch("submit", learner, {"text": "My work"}, ctx)
    number = len(ctx.store.get_record(ctx.activity_key, learner.user_id).attempts)
    dispatch("review", STAFF, {"learner_id": learner.user_id, "attempt": number, "ratings": staff_ratings,
                               "feedback": "Look again at the evidence", "decision": decision}, ctx)


def cohort(ctx, option, mastered, revised, prefix):
    for i in range(mastered + revised):
        attempt(ctx, Actor(f"{prefix}{i}"), ALL_MEETS, ALL_MEETS, "mastered" if i < mastered else "revise", option)


def equity_after(write: tuple[int, int], build: tuple[int, int]) -> tuple[dict, dict]:
    """The equity lens once (mastered, revised) learners have a decision on "write" and on "build"."""
    ctx = make_ctx()
    cohort(ctx, "write", *write, prefix="w")
    cohort(ctx, "build", *build, prefix="b")
    equity = dispatch("analytics", STAFF, {}, ctx)["equity"]
    return equity, {o["id"]: o for o in equity["options"]}


def test_option_counts_and_calibration_distribution():
    ctx = make_ctx()
    attempt(ctx, ALICE, {"accuracy": "exceeds", "clarity": "meets", "evidence": "not_yet"},
            {"accuracy": "meets", "clarity": "meets", "evidence": "exceeds"}, "mastered")
    attempt(ctx, BOB, {"accuracy": "exceeds", "clarity": "meets", "evidence": "meets"},
            {"accuracy": "not_yet", "clarity": "exceeds", "evidence": "meets"}, "revise", option="build")
    dispatch("choose", Actor("carol"), {"option_id": "build"}, ctx)
    view = dispatch("analytics", STAFF, {}, ctx)
    options = {o["id"]: o for o in view["options"]}
    assert (options["write"]["chosen"], options["write"]["submitted"], options["write"]["mastered"]) == (1, 1, 1)
    assert (options["build"]["chosen"], options["build"]["submitted"], options["build"]["mastered"]) == (2, 1, 0)
    criteria = {c["id"]: c for c in view["criteria"]}
    accuracy = criteria["accuracy"]
    assert accuracy["pairs"] == 2 and (accuracy["higher"], accuracy["same"], accuracy["lower"]) == (2, 0, 0)
    assert accuracy["self_levels"] == {"not_yet": 0, "meets": 0, "exceeds": 2}
    assert accuracy["staff_levels"] == {"not_yet": 1, "meets": 1, "exceeds": 0}
    assert accuracy["mean_gap"] == 1.5
    clarity, evidence = criteria["clarity"], criteria["evidence"]
    assert (clarity["higher"], clarity["same"], clarity["lower"]) == (0, 1, 1)
    assert (evidence["higher"], evidence["same"], evidence["lower"]) == (0, 1, 1)
    assert evidence["mean_gap"] == -1.0
    # Every new figure comes from counters that a full recount reproduces.
    nonzero = {k: v for k, v in ctx.store.get_counters("act-1").items() if v}
    assert nonzero == analytics.recompute(ctx.store.iter_records("act-1"))


def test_equity_lens_names_an_option_only_when_intervals_separate_with_ten_learners_each():
    equity, by_id = equity_after(write=(10, 0), build=(1, 9))
    assert (by_id["write"]["successes"], by_id["write"]["n"], by_id["write"]["rate"]) == (10, 10, 1.0)
    assert by_id["write"]["low"] == pytest.approx(0.7225, abs=1e-4) and by_id["write"]["high"] == 1.0
    assert (by_id["build"]["successes"], by_id["build"]["n"]) == (1, 10)
    assert by_id["build"]["high"] < by_id["write"]["low"]
    assert by_id["record"] == {"id": "record", "title": "Record a short talk", "successes": 0, "n": 0,
                              "rate": None, "low": None, "high": None}
    assert equity["findings"] == [{"lower": "build", "higher": "write"}]
    assert equity["min_learners"] == 10


def test_equity_lens_stays_silent_with_nine_learners_even_at_the_extremes():
    equity, by_id = equity_after(write=(9, 0), build=(0, 9))
    assert (by_id["write"]["n"], by_id["build"]["n"]) == (9, 9)
    assert by_id["build"]["high"] < by_id["write"]["low"]  # separate intervals, but too few learners to say so
    assert equity["findings"] == []


def test_equity_lens_stays_silent_when_intervals_overlap():
    equity, by_id = equity_after(write=(7, 3), build=(4, 6))
    assert by_id["write"]["rate"] > by_id["build"]["rate"]  # a gap in rates that the intervals do not support
    assert equity["findings"] == []


def test_learners_waiting_for_review_are_not_counted_as_failing():
    ctx = make_ctx()
    cohort(ctx, "write", 2, 0, prefix="w")
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    dispatch("self_assess", ALICE, {"ratings": ALL_MEETS}, ctx)
    dispatch("submit", ALICE, {"text": "waiting"}, ctx)
    write = dispatch("analytics", STAFF, {}, ctx)["equity"]["options"][0]
    assert (write["successes"], write["n"]) == (2, 2)


def test_review_queue_item_carries_this_learners_calibration():
    ctx = make_ctx(max_revisions=3)
    attempt(ctx, ALICE, {"accuracy": "exceeds", "clarity": "meets", "evidence": "exceeds"},
            {"accuracy": "meets", "clarity": "meets", "evidence": "not_yet"}, "revise")
    attempt(ctx, ALICE, {"accuracy": "meets", "clarity": "meets", "evidence": "exceeds"},
            {"accuracy": "meets", "clarity": "exceeds", "evidence": "meets"}, "revise")
    item = dispatch("queue", STAFF, {}, ctx)["items"][0]
    calibration = item["calibration"]
    assert calibration["pairs"] == 6 and (calibration["higher"], calibration["same"], calibration["lower"]) == (3, 2, 1)
    evidence = next(c for c in calibration["criteria"] if c["id"] == "evidence")
    assert evidence["title"] == "Uses evidence"
    assert evidence["attempts"] == [{"attempt": 1, "self": "exceeds", "reviewer": "not_yet"},
                                    {"attempt": 2, "self": "exceeds", "reviewer": "meets"}]
    assert evidence["mean_gap"] == 1.5 and evidence["higher"] == 2


def test_learning_log_compares_judgement_across_attempts_and_activities():
    store = make_ctx().store
    first = make_ctx(store=store, max_revisions=3)
    second_definition = {**default_choice_definition(), "title": "Energy in food webs",
                         "criteria": [{"id": "evidence", "title": "Cites data"}]}
    second = make_ctx(second_definition, store=store, activity_key="act-2")
    second.clock = Clock(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))  # worked on after the first activity
    elsewhere = make_ctx(store=store, activity_key="act-3", course_key="course-2")
    for staff_level in ("meets", "not_yet", "exceeds"):
        attempt(first, ALICE, {"accuracy": "meets", "clarity": "meets", "evidence": "exceeds"},
                {"accuracy": "meets", "clarity": "meets", "evidence": staff_level}, "revise")
    attempt(second, ALICE, {"evidence": "meets"}, {"evidence": "meets"}, "mastered")
    attempt(elsewhere, ALICE, ALL_MEETS, {**ALL_MEETS, "accuracy": "not_yet"}, "mastered")
    attempt(first, BOB, {"accuracy": "exceeds", "clarity": "exceeds", "evidence": "exceeds"},
            {"accuracy": "not_yet", "clarity": "not_yet", "evidence": "not_yet"}, "revise")

    # Read from the second activity: the first one's criteria keep their own titles.
    mine = dispatch("log", ALICE, {}, second)["calibration"]
    assert [a["activity_title"] for a in mine["activities"]] == ["Show what you know: photosynthesis",
                                                                 "Energy in food webs"]
    photosynthesis = mine["activities"][0]
    evidence = next(c for c in photosynthesis["criteria"] if c["id"] == "evidence")
    assert evidence["title"] == "Uses evidence"
    assert (evidence["higher"], evidence["same"], evidence["pairs"]) == (2, 1, 3)
    assert mine["activities"][1]["criteria"][0]["title"] == "Cites data"
    assert mine["overall"]["pairs"] == 10  # 3 attempts x 3 criteria + 1; course-2 is not in this course's log
    assert mine["headline"] == {"kind": "higher", "criterion": "Uses evidence",
                                "activity_title": "Show what you know: photosynthesis", "count": 2, "total": 3}
    # Bob's ratings never appear in Alice's log, nor hers in his.
    his = dispatch("log", BOB, {}, first)["calibration"]
    assert his["overall"]["pairs"] == 3 and his["headline"]["kind"] == "higher"
    assert his["headline"]["count"] == 1


def test_learning_log_calibration_without_reviews_says_there_is_nothing_yet():
    ctx = make_ctx()
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    dispatch("self_assess", ALICE, {"ratings": ALL_MEETS}, ctx)
    dispatch("submit", ALICE, {"text": "x"}, ctx)
    calibration = dispatch("log", ALICE, {}, ctx)["calibration"]
    assert calibration["activities"] == [] and calibration["headline"]["kind"] == "none"
    attempt(make_ctx(store=ctx.store, activity_key="act-9"), BOB, ALL_MEETS, ALL_MEETS, "mastered")
    assert dispatch("log", BOB, {}, ctx)["calibration"]["headline"] == {
        "kind": "matched", "criterion": "", "activity_title": "", "count": 3, "total": 3}


def test_calibration_views_are_staff_only_or_own():
    ctx = make_ctx()
    attempt(ctx, ALICE, ALL_MEETS, ALL_MEETS, "mastered")
    for name in ("analytics", "queue"):
        with pytest.raises(PermissionDenied):
            dispatch(name, BOB, {}, ctx)
    assert dispatch("log", BOB, {}, ctx)["calibration"]["activities"] == []
