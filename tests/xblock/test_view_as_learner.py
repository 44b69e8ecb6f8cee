"""``view_as_learner`` through the real workbench runtime: staff only, and no row is written."""

from __future__ import annotations

from xblock_plchoice.blocks.models import CounterRow, FileRow, LearnerRecordRow, ProfileRow, ReflectionRow

STEPS = [{"command": "choose", "payload": {"option_id": "write"}},
         {"command": "self_assess", "payload": {"ratings": {"accuracy": "meets", "clarity": "meets",
                                                            "evidence": "meets"}}},
         {"command": "submit", "payload": {"text": "Preview text", "links": [], "file_ids": []}}]
MODELS = (LearnerRecordRow, CounterRow, FileRow, ProfileRow, ReflectionRow)


def _rows() -> list[int]:
    return [model.objects.count() for model in MODELS]


def test_staff_preview_writes_no_row(choice):
    before = _rows()
    status, view = choice.json("staff", "view_as_learner", {"steps": STEPS})
    assert status == 200, view
    assert view["preview"] is True and view["me"]["status"] == "submitted"
    assert _rows() == before


def test_learner_cannot_preview_and_wrong_types_are_400(choice):
    status, body = choice.json("alice", "view_as_learner", {"steps": STEPS})
    assert status == 403, body
    status, body = choice.json("staff", "view_as_learner", {"steps": "choose"})
    assert status == 400 and body["field"] == "steps"
    status, body = choice.json("staff", "view_as_learner", {"steps": [{"command": "review", "payload": {}}]})
    assert status == 400 and body["field"] == "steps[0]"
    assert _rows() == [0] * len(MODELS)
