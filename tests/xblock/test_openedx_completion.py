"""Completion as Open edX computes it: edx-completion's service and BlockCompletion table, for real.

The workbench's ``publish`` is routed like the LMS's (``xblock_plchoice.workbench.publish``),
so a ``BlockCompletion`` row for the learner appears on the completing action and not before.
"""

from __future__ import annotations

from completion.models import BlockCompletion
from completion.services import CompletionService

from xblock_plchoice.workbench.publish import WORKBENCH_COURSE, django_user_for, usage_key_for

from .helpers import Harness

PDF_TEXT = {"text": "Light, water and CO2 make glucose and oxygen.", "links": [], "file_ids": []}
RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}


def _completions(harness: Harness, user_id: str) -> list[float]:
    block = harness.block(user_id)
    return list(BlockCompletion.objects.filter(user=django_user_for(user_id), block_key=usage_key_for(block))
                .values_list("completion", flat=True))


def _service(user_id: str) -> CompletionService:
    from opaque_keys.edx.keys import CourseKey

    return CompletionService(user=django_user_for(user_id), context_key=CourseKey.from_string(WORKBENCH_COURSE))


def test_neither_block_can_be_marked_complete_on_view(choice, reflection):
    service = _service("alice")
    for harness in (choice, reflection):
        block = harness.block("alice")
        assert block.has_custom_completion is True
        assert service.can_mark_block_complete_on_view(block) is False
        assert service.blocks_to_mark_complete_on_view([block]) == []


def test_plchoice_completes_on_the_first_submission_not_on_choose_or_draft(choice):
    assert choice.json("alice", "choose", {"option_id": "write"})[0] == 200
    assert choice.json("alice", "save_draft", PDF_TEXT)[0] == 200
    assert choice.json("alice", "self_assess", {"ratings": RATINGS, "comment": "ok"})[0] == 200
    assert _completions(choice, "alice") == []
    status, body = choice.json("alice", "submit", PDF_TEXT)
    assert status == 200, body
    assert _completions(choice, "alice") == [1.0]
    assert _completions(choice, "bob") == []


def test_staff_review_does_not_complete_the_block_for_the_staff_member(choice):
    from .helpers import anon

    choice.json("alice", "choose", {"option_id": "write"})
    choice.json("alice", "self_assess", {"ratings": RATINGS, "comment": "ok"})
    assert choice.json("alice", "submit", PDF_TEXT)[0] == 200
    status, body = choice.json("staff", "review", {"learner_id": anon("alice"), "attempt": 1, "ratings": RATINGS,
                                                   "feedback": "Well argued.", "decision": "mastered"})
    assert status == 200, body
    assert _completions(choice, "staff") == []
    assert _completions(choice, "alice") == [1.0]


def test_plreflection_completes_only_when_every_phase_is_answered(reflection):
    status, body = reflection.json("alice", "reflect", {"phase": "before", "answers": {"goal": "Fractions"}})
    assert status == 200, body
    assert _completions(reflection, "alice") == []  # one of two phases
    status, body = reflection.json("alice", "reflect", {"phase": "after", "answers": {"learned": "Drawing helps"}})
    assert status == 200, body
    assert _completions(reflection, "alice") == [1.0]


def test_plreflection_with_only_after_prompts_completes_on_that_phase():
    harness = Harness('<plreflection display_name="After only" />')
    block = harness.block("author")
    block.definition = {"kind": "reflection", "title": "After only",
                        "prompts": [{"id": "learned", "phase": "after", "text": "What did you learn?"}]}
    block.save()
    status, body = harness.json("alice", "reflect", {"phase": "after", "answers": {"learned": "A lot"}})
    assert status == 200, body
    assert _completions(harness, "alice") == [1.0]


def test_masquerading_staff_does_not_complete_the_block_for_the_learner(reflection):
    # edx-platform's EventPublishingService runs no handler while staff masquerade as a learner.
    for phase, answers in (("before", {"goal": "x"}), ("after", {"learned": "y"})):
        status, body = reflection.json("staff-as-alice", "reflect", {"phase": phase, "answers": answers})
        assert status == 200, body
    assert _completions(reflection, "alice") == []
    assert _completions(reflection, "staff") == []

