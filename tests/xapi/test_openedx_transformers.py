"""edx.plchoice.* tracking events on the real workbench runtime, through the real edx-event-routing-backends
registry, validated by Ralph's xAPI models."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from xblock_plchoice.core import xapi

from .ralph_env import ROOT, validation_errors


@pytest.fixture(scope="module")
def flow():
    done = subprocess.run([sys.executable, "-m", "tests.xapi.erb_flow"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_the_block_publishes_one_event_per_step_with_the_core_fields(flow):
    names = [name for name, _ in flow["published"] if name.startswith("edx.plchoice.")]
    assert names == ["edx.plchoice.option.chosen", "edx.plchoice.self_assessment.saved",
                     "edx.plchoice.evidence.submitted", "edx.plchoice.review.decided",
                     "edx.plchoice.reflection.saved"]
    fields = dict(flow["published"])
    assert fields["edx.plchoice.review.decided"]["learner_id"] == flow["anon_alice"]
    assert fields["edx.plchoice.review.decided"]["actor_id"] == flow["anon_staff"]
    assert "Light and water" not in json.dumps(flow["published"])  # evidence described, not copied


def test_event_names_are_allowed_and_whitelisted_for_xapi_routing(flow):
    expected = sorted(set(xapi_event_names()))
    assert flow["allowed"] == expected and flow["whitelisted"] == expected


def xapi_event_names():
    from xblock_plchoice.blocks.tracking import event_names

    return event_names()


def test_transformers_make_the_core_statements_with_anonymous_ids(flow):
    statements = flow["statements"]
    assert len(statements) == 5
    verbs = [s["verb"]["id"] for s in statements]
    assert verbs == [xapi.VERBS[v] for v in ("preferred", "rated", "submitted", "mastered", "shared")]
    ids = [data["event_id"] for name, data in flow["published"] if name.startswith("edx.plchoice.")]
    assert [s["id"] for s in statements] == ids  # deterministic: the core's event ids
    for statement in statements:
        assert statement["actor"]["account"] == {"homePage": "https://lms.example.org", "name": flow["anon_alice"]}
        assert "mbox" not in json.dumps(statement) and "alice" not in json.dumps(statement).replace(
            flow["anon_alice"], "")
    review = statements[3]
    assert review["object"]["id"].startswith("https://lms.example.org/xblock/")
    assert review["context"]["instructor"]["account"]["name"] == flow["anon_staff"]
    assert statements[4]["result"]["response"] == "Diagrams helped"


def test_ralph_accepts_every_transformer_statement(flow):
    assert validation_errors(flow["statements"]) == []
