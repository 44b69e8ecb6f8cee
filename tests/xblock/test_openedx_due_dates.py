"""Due dates as Open edX authors set them: on the subsection, inherited with its grace period.

The parent is a real ``<sequential>`` parsed by the workbench runtime (registered by
the workbench app), carrying ``due`` and ``graceperiod`` like a subsection in a course.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workbench.runtime import WorkbenchRuntime

from xblock_plchoice.blocks.dates import platform_due
from xblock_plchoice.workbench.blocks import WorkbenchSequential

from .helpers import Harness

EVIDENCE = {"text": "Plants turn light into sugar.", "links": [], "file_ids": []}
RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}


class ChildHarness(Harness):
    """A harness whose block is the first child of the parsed parent (the parent carries the dates)."""

    def __init__(self, olx: str) -> None:
        super().__init__(olx)
        parent = WorkbenchRuntime("author").get_block(self.usage_id)
        assert isinstance(parent, WorkbenchSequential)
        self.usage_id = parent.children[0]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _in_subsection(due: datetime, grace: str = "", child: str = "<plchoice/>") -> ChildHarness:
    grace_attr = f' graceperiod="{grace}"' if grace else ""
    return ChildHarness(f'<sequential due="{_iso(due)}"{grace_attr}>{child}</sequential>')


def _submit(harness: Harness, user: str = "alice"):
    assert harness.json(user, "choose", {"option_id": "write"})[0] == 200
    assert harness.json(user, "self_assess", {"ratings": RATINGS, "comment": "ok"})[0] == 200
    return harness.json(user, "submit", EVIDENCE)


def test_the_block_inherits_due_plus_graceperiod_from_its_parent():
    due = datetime(2030, 5, 31, 23, 59, tzinfo=UTC)
    harness = _in_subsection(due, "1 day 2 hours")
    assert platform_due(harness.block("alice")) == due + timedelta(days=1, hours=2)
    status, state = harness.json("alice", "state")
    assert status == 200
    assert state["me"]["due"] == {"at": _iso(due + timedelta(days=1, hours=2)), "source": "platform",
                                  "overridden": None}


def test_grace_period_keeps_submissions_open_after_the_inherited_due_date():
    harness = _in_subsection(datetime.now(UTC) - timedelta(hours=2), "1 day")
    status, body = _submit(harness)
    assert status == 200, body
    assert body["me"]["past_due"] is False


def test_past_the_inherited_due_date_and_grace_period_submission_is_refused():
    harness = _in_subsection(datetime.now(UTC) - timedelta(days=2), "1 day")
    status, body = _submit(harness)
    assert status >= 400 and body["error"] == "past_due", body
    status, state = harness.json("alice", "state")
    assert state["me"]["past_due"] is True and state["me"]["can"]["submit"] is False


def test_the_earlier_of_the_activity_due_date_and_the_inherited_one_applies():
    inherited = datetime.now(UTC) + timedelta(days=10)
    harness = _in_subsection(inherited)
    own = datetime.now(UTC) - timedelta(hours=1)
    block = harness.block("author")
    block.definition = {**block.definition_dict(), "policies": {
        **block.definition_dict()["policies"], "due": _iso(own)}}
    block.save()
    status, state = harness.json("alice", "state")
    assert state["me"]["due"]["source"] == "activity"
    assert state["me"]["due"]["overridden"] == _iso(inherited)
    assert state["me"]["past_due"] is True
    assert _submit(harness)[1]["error"] == "past_due"


def test_the_reflection_block_inherits_the_same_dates():
    due = datetime(2031, 1, 15, 12, 0, tzinfo=UTC)
    harness = _in_subsection(due, child="<plreflection/>")
    status, state = harness.json("alice", "state")
    assert status == 200 and state["me"]["due"]["at"] == _iso(due)


def test_rendering_in_the_workbench_does_not_overwrite_the_parents_due_date():
    # xblock-sdk stamps due=utcnow() on every block it renders; the parent keeps its real date.
    due = datetime(2030, 5, 31, 23, 59, tzinfo=UTC)
    harness = _in_subsection(due, "1 day")
    runtime = WorkbenchRuntime("alice")
    parent = runtime.get_block(WorkbenchRuntime("author").get_block(harness.usage_id).parent)
    runtime.render(parent, "student_view")
    assert parent.due == due and parent.graceperiod == timedelta(days=1)
    assert platform_due(runtime.get_block(harness.usage_id)) == due + timedelta(days=1)


def test_no_parent_date_means_the_activity_date_alone():
    harness = Harness("<plchoice/>")
    assert platform_due(harness.block("alice")) is None
    status, state = harness.json("alice", "state")
    assert state["me"]["due"] == {"at": None, "source": None, "overridden": None}
