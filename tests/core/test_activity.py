"""Activity definitions: valid ones parse, invalid ones list every problem an author must fix."""

import pytest

from xblock_plchoice.core.activity import default_choice_definition, default_reflection_definition, parse_activity
from xblock_plchoice.core.errors import ValidationError


def problems(definition):
    with pytest.raises(ValidationError) as caught:
        parse_activity(definition)
    return {p["field"]: p["message"] % (p["params"] or {}) for p in caught.value.problems}


def test_defaults_parse_and_round_trip():
    activity = parse_activity(default_choice_definition())
    assert [o.id for o in activity.options] == ["write", "record", "build"]
    assert parse_activity(activity.to_dict()) == activity
    reflection = parse_activity(default_reflection_definition())
    assert reflection.kind == "reflection" and len(reflection.prompts_for("before")) == 2


def test_every_problem_is_reported_at_once():
    definition = default_choice_definition()
    definition["title"] = ""
    definition["options"] = definition["options"][:1]
    definition["criteria"][1]["id"] = "accuracy"
    definition["options"][0]["evidence_kinds"] = ["telepathy"]
    definition["policies"]["max_revisions"] = -1
    definition["policies"]["due"] = "next tuesday"
    found = problems(definition)
    assert "title" in found
    assert "options" in found and "between 2 and 5" in found["options"]
    assert "criteria[1].id" in found and "used twice" in found["criteria[1].id"]
    assert "options[0].evidence_kinds" in found
    assert "policies.max_revisions" in found
    assert "policies.due" in found


def test_six_options_are_too_many():
    definition = default_choice_definition()
    definition["options"] = [{"id": f"o{i}", "title": f"Option {i}"} for i in range(6)]
    assert "options" in problems(definition)


def test_option_id_proposal_is_reserved():
    definition = default_choice_definition()
    definition["options"][0]["id"] = "proposal"
    assert "options[0].id" in problems(definition)


def test_bad_ids_and_types_are_reported_not_crashing():
    definition = default_choice_definition()
    definition["criteria"] = [{"id": "<script>", "title": 5}, "nope"]
    definition["prompts"] = [{"id": "p", "phase": "during", "text": ""}]
    found = problems(definition)
    assert {"criteria[0].id", "criteria[0].title", "criteria[1]", "prompts[0].phase", "prompts[0].text"} <= set(found)
    with pytest.raises(ValidationError):
        parse_activity(["not", "a", "dict"])


def test_reflection_needs_prompts_and_due_is_normalised():
    assert "prompts" in problems({"kind": "reflection", "title": "R", "prompts": []})
    definition = default_choice_definition()
    definition["policies"]["due"] = "2027-01-31T23:59:00Z"
    assert parse_activity(definition).policies.due == "2027-01-31T23:59:00+00:00"


def test_text_limits():
    definition = default_choice_definition()
    definition["objective"] = "x" * 2001
    assert "objective" in problems(definition)
