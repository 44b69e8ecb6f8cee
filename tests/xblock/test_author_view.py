"""Studio's unit page: ``author_view`` (has_author_view) renders a summary plus the learner preview.

Rendered by the real workbench runtime, as Studio's preview runtime would render it; the staff
review queue and every learner or staff command stay out of it.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

from xblock_plchoice.core.protocol import COMMANDS

from .helpers import Harness
from .test_openedx_due_dates import ChildHarness


def _render(harness: Harness, user: str, view: str):
    """Render through the runtime (which wraps the fragment) and read the init args it embeds."""
    block = harness.block(user)
    fragment = block.runtime.render(block, view)
    match = re.search(r'<script type="json/xblock-args" class="xblock_json_init_args">\s*(.*?)\s*</script>',
                      fragment.content, re.S)
    assert match, fragment.content[:500]
    return block, fragment, json.loads(html.unescape(match.group(1)))


def test_both_blocks_declare_an_author_view(choice, reflection):
    for harness in (choice, reflection):
        block = harness.block("staff")
        assert block.has_author_view is True and callable(block.author_view)


def test_choice_author_view_summarises_and_previews_without_the_queue(choice):
    block, fragment, args = _render(choice, "staff", "author_view")
    assert args["view"] == "author"
    assert 'data-view="author"' in fragment.content
    definition = args["definition"]
    assert definition["objective"] and [c["id"] for c in definition["criteria"]]
    assert [o["id"] for o in definition["options"]] == ["write", "record", "build"]
    # Only the preview handler: no queue, review, export or learner command is reachable from Studio.
    assert set(args["handlers"]) == {"preview"}
    assert not set(args["handlers"]) & set(COMMANDS)
    assert args["due"] == {"at": None, "source": None, "overridden": None}


def test_the_student_view_for_staff_still_has_the_queue(choice):
    _, _, args = _render(choice, "staff", "student_view")
    assert args["view"] == "staff" and "queue" in args["handlers"]


def test_reflection_author_view_carries_the_prompts(reflection):
    _, _, args = _render(reflection, "staff", "author_view")
    assert args["view"] == "author" and args["kind"] == "reflection"
    assert {p["phase"] for p in args["definition"]["prompts"]} == {"before", "after"}


def test_author_view_says_which_due_date_applies():
    harness = ChildHarness('<sequential due="2030-05-31T23:59:00+00:00" graceperiod="1 day"><plchoice/></sequential>')
    block = harness.block("author")
    block.definition = {**block.definition_dict(), "policies": {
        **block.definition_dict()["policies"], "due": "2030-06-15T12:00:00+00:00"}}
    block.save()
    _, _, args = _render(harness, "staff", "author_view")
    assert args["due"] == {"at": datetime(2030, 6, 1, 23, 59, tzinfo=UTC).isoformat(), "source": "platform",
                           "overridden": "2030-06-15T12:00:00+00:00"}
    _, _, studio = _render(harness, "staff", "studio_view")
    assert studio["platform_due"] == datetime(2030, 6, 1, 23, 59, tzinfo=UTC).isoformat()


def test_the_preview_handler_behind_the_author_view_saves_nothing(choice):
    definition = _render(choice, "staff", "author_view")[2]["definition"]
    status, state = choice.json("staff", "preview", {"definition": definition})
    assert status == 200 and state["role"] == "learner" and state["me"]["status"] == "not_started"
    status, state = choice.json("staff", "state")
    assert state["staff"]["total"] == 0


def test_a_learner_cannot_use_the_preview_handler(choice):
    definition = _render(choice, "staff", "author_view")[2]["definition"]
    status, body = choice.json("alice", "preview", {"definition": definition})
    assert status == 403 and body["error"] == "forbidden"


def test_the_preview_shows_learners_the_due_date_that_applies():
    harness = ChildHarness('<sequential due="2030-05-31T23:59:00+00:00"><plchoice/></sequential>')
    definition = _render(harness, "staff", "author_view")[2]["definition"]
    status, state = harness.json("staff", "preview", {"definition": definition})
    assert status == 200 and state["me"]["due"]["source"] == "platform"
    assert state["me"]["due"]["at"] == "2030-05-31T23:59:00+00:00"
