"""Property tests: no sequence of commands loses an attempt or reaches an invalid state.

Hypothesis drives learners and staff through random commands (legal or not).
After every step: attempts, choices, proposals, replies and accommodations
only grow, reviews are never rewritten, a reply never changes a status, a
claimed item is reviewed only by its holder, each status agrees with the
record's history, a refused command changed nothing, and the incremental
counters equal a full recount.
"""

import copy

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from xblock_plchoice.core import analytics
from xblock_plchoice.core.context import Actor
from xblock_plchoice.core.errors import PLChoiceError
from xblock_plchoice.core.protocol import dispatch, reset_learner
from xblock_plchoice.core.workflow import STATUSES, attempts_since_reset

from .helpers import STAFF, make_ctx

GRADERS = st.sampled_from([Actor("grader-a", "staff", "Ana"), Actor("grader-b", "staff", "Ben")])
DUES = st.sampled_from([None, "2020-01-01T00:00:00+00:00", "2099-01-01T00:00:00+00:00", "soon"])

LEARNERS = st.sampled_from(["alice", "bob"])
OPTIONS = st.sampled_from(["write", "write", "build", "record", "nope"])
LEVEL = st.sampled_from(["not_yet", "meets", "exceeds"])
RATINGS = st.fixed_dictionaries({"accuracy": LEVEL, "clarity": LEVEL, "evidence": LEVEL})
TEXT = st.sampled_from(["An answer", "<script>alert(1)</script>", "=1+1", ""])


class Workflow(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.ctx = make_ctx(max_revisions=2)
        self.seen: dict[str, dict] = {}

    def run(self, name, actor, payload):
        store = self.ctx.store
        before = copy.deepcopy((store.records, store.counters, store.reflections, store.files, store.bank))
        try:
            dispatch(name, actor, payload, self.ctx)
        except PLChoiceError as error:
            assert 400 <= error.status < 500 and error.render()
            after = (store.records, store.counters, store.reflections, store.files, store.bank)
            assert after == before, f"refused {name} changed the store"
            return False
        return True

    def status_of(self, learner):
        record = self.ctx.store.get_record("act-1", learner)
        return record.status if record else None

    @rule(learner=LEARNERS, option=OPTIONS)
    def choose(self, learner, option):
        self.run("choose", Actor(learner), {"option_id": option})

    @rule(learner=LEARNERS, title=TEXT)
    def propose(self, learner, title):
        self.run("propose", Actor(learner), {"title": title, "plan": "my plan"})

    @rule(learner=LEARNERS, decision=st.sampled_from(["approve", "redirect"]), note=TEXT)
    def decide(self, learner, decision, note):
        self.run("decide_proposal", STAFF, {"learner_id": learner, "decision": decision, "note": note})

    @rule(learner=LEARNERS, text=TEXT)
    def save_draft(self, learner, text):
        self.run("save_draft", Actor(learner), {"text": text})

    @rule(learner=LEARNERS, ratings=RATINGS)
    def self_assess(self, learner, ratings):
        self.run("self_assess", Actor(learner), {"ratings": ratings, "comment": "c"})

    @rule(learner=LEARNERS, text=TEXT)
    def submit(self, learner, text):
        self.run("submit", Actor(learner), {"text": text})

    @rule(learner=LEARNERS, attempt=st.integers(1, 4), ratings=RATINGS,
          decision=st.sampled_from(["mastered", "revise"]), feedback=TEXT)
    def review(self, learner, attempt, ratings, decision, feedback):
        self.run("review", STAFF, {"learner_id": learner, "attempt": attempt, "ratings": ratings,
                                   "feedback": feedback, "decision": decision})

    @rule(learner=LEARNERS, ratings=RATINGS, decision=st.sampled_from(["mastered", "revise", "revise"]))
    def review_latest(self, learner, ratings, decision):
        """Reviews of the attempt actually waiting, so long revise/resubmit chains happen often."""
        record = self.ctx.store.get_record("act-1", learner)
        attempt = len(record.attempts) if record else 1
        self.run("review", STAFF, {"learner_id": learner, "attempt": attempt, "ratings": ratings,
                                   "feedback": "Improve the evidence", "decision": decision})

    @rule(learner=LEARNERS, ratings=RATINGS, text=TEXT)
    def self_assess_and_submit(self, learner, ratings, text):
        self.run("self_assess", Actor(learner), {"ratings": ratings})
        self.run("submit", Actor(learner), {"text": text})

    @rule(learner=LEARNERS, phase=st.sampled_from(["before", "after"]), text=TEXT, share=st.booleans())
    def reflect(self, learner, phase, text, share):
        prompt = "goal" if phase == "before" else "worked"
        self.run("reflect", Actor(learner), {"phase": phase, "answers": {prompt: text}, "share_with_staff": share})

    @rule(learner=LEARNERS, attempt=st.integers(0, 3), text=TEXT, as_staff=st.booleans())
    def reply(self, learner, attempt, text, as_staff):
        status = self.status_of(learner)
        payload = {"attempt": attempt, "text": text}
        actor = STAFF if as_staff else Actor(learner)
        if as_staff:
            payload["learner_id"] = learner
        self.run("reply", actor, payload)
        assert self.status_of(learner) == status, "a reply changed the status"

    @rule(learner=LEARNERS, other=LEARNERS)
    def reply_on_someone_else(self, learner, other):
        """A learner naming another learner is always refused (run() checks nothing changed)."""
        if learner != other:
            assert not self.run("reply", Actor(learner), {"learner_id": other, "attempt": 1, "text": "hi"})

    @rule(learner=LEARNERS, grader=GRADERS, release=st.booleans())
    def claim(self, learner, grader, release):
        record = self.ctx.store.get_record("act-1", learner)
        holder = record.claimed_by if record else None
        done = self.run("claim", grader, {"learner_id": learner, "release": release})
        if holder and holder != grader.user_id:
            assert not done, "a grader took or released another grader's claim"

    @rule(learner=LEARNERS, grader=GRADERS, ratings=RATINGS, decision=st.sampled_from(["mastered", "revise"]))
    def grader_review(self, learner, grader, ratings, decision):
        record = self.ctx.store.get_record("act-1", learner)
        holder = record.claimed_by if record else None
        attempt = len(record.attempts) if record else 1
        done = self.run("review", grader, {"learner_id": learner, "attempt": attempt, "ratings": ratings,
                                           "feedback": "Improve", "decision": decision,
                                           "comments": {"clarity": "Comment"}})
        if holder and holder != grader.user_id:
            assert not done, "a review went over another grader's claim"

    @rule(learner=LEARNERS, due=DUES, extra=st.sampled_from([0, 1, 2, -1, "x"]))
    def accommodate(self, learner, due, extra):
        self.run("accommodate", STAFF, {"learner_id": learner, "due": due, "extra_revisions": extra})

    @rule(learner=LEARNERS)
    def staff_reset(self, learner):
        reset_learner(self.ctx.store, "act-1", learner, self.ctx.now_iso)

    @rule(learner=LEARNERS)
    def delete_my_data(self, learner):
        self.run("my_data", Actor(learner), {"action": "delete"})

    @invariant()
    def history_only_grows(self):
        for record in self.ctx.store.iter_records("act-1"):
            old = self.seen.get(record.learner_id)
            if old:
                assert len(record.attempts) >= len(old["attempts"])
                for then, now in zip(old["attempts"], record.attempts):
                    assert {k: v for k, v in now.items() if k != "review"} == \
                        {k: v for k, v in then.items() if k != "review"}
                    if then["review"] is not None:
                        assert now["review"] == then["review"]
                assert record.choices[:len(old["choices"])] == old["choices"]
                assert len(record.proposals) >= len(old["proposals"])
                for then, now in zip(old["proposals"], record.proposals):
                    assert (now["title"], now["plan"], now["at"]) == (then["title"], then["plan"], then["at"])
                assert record.replies[:len(old["replies"])] == old["replies"]
                assert record.events[:len(old["events"])] == old["events"]  # claims and releases included
                assert record.accommodations[:len(old["accommodations"])] == old["accommodations"]
                assert old["replies_read"] <= record.replies_read <= len(record.replies)
                assert record.version > old["version"] or record.to_dict() == old
            self.seen[record.learner_id] = copy.deepcopy(record.to_dict())

    @invariant()
    def status_agrees_with_history(self):
        for record in self.ctx.store.iter_records("act-1"):
            assert record.status in STATUSES
            latest = record.latest_attempt
            active = attempts_since_reset(record)
            if record.status in ("not_started", "proposal_pending"):
                assert record.option_id is None and not active
            if record.status == "chosen":
                assert record.option_id and not active
            if record.status == "submitted":
                assert latest and latest["review"] is None
            if record.status in ("mastered", "revise"):
                assert latest and latest["review"]["decision"] == record.status
            assert [a["number"] for a in record.attempts] == list(range(1, len(record.attempts) + 1))
            assert all(a["review"] for a in active[:-1])

    @invariant()
    def counters_match_a_recount(self):
        counters = {k: v for k, v in self.ctx.store.get_counters("act-1").items()
                    if v and not k.startswith("reflections:")}
        assert counters == analytics.recompute(self.ctx.store.iter_records("act-1"))


TestWorkflowProperties = Workflow.TestCase
TestWorkflowProperties.settings = settings(max_examples=200, stateful_step_count=50, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])
