"""What the blocks rely on from edx-platform's runtime, one test per contract (see docs/OPENEDX.md).

Each test fails if the blocks stop meeting the contract as the platform's code states it:
the user service's ``opt_attrs``, masquerade, ``publish`` routing, retirement, handler URLs.
All on the real workbench runtime with edx-submissions; the user objects are XBlock's own
``XBlockUser`` filled the way ``DjangoXBlockUserService`` fills them.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.test import override_settings
from submissions.models import score_set
from xblock.reference.user_service import XBlockUser

from xblock_plchoice.blocks.models import LearnerRecordRow
from xblock_plchoice.blocks.rendering import FILE_ID_SLOT
from xblock_plchoice.blocks.retirement import USER_RETIRE_LMS_CRITICAL
from xblock_plchoice.blocks.staff import anonymous_id, is_staff, service_says_staff
from xblock_plchoice.core.protocol import COMMANDS

from .helpers import anon, upload

RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}
EVIDENCE = {"text": "Chlorophyll absorbs light.", "links": [], "file_ids": []}


def _platform_user(**attrs) -> XBlockUser:
    """An XBlockUser as edx-platform's DjangoXBlockUserService builds one for a signed-in user."""
    user = XBlockUser(is_current_user=True, emails=["x@example.com"], full_name="X")
    user.opt_attrs.update({"edx-platform.is_authenticated": True, "edx-platform.user_is_staff": False,
                           "edx-platform.user_role": "student", "edx-platform.anonymous_user_id": "anon-x",
                           **attrs})
    return user


def _submit(harness, user="alice"):
    assert harness.json(user, "choose", {"option_id": "write"})[0] == 200
    assert harness.json(user, "self_assess", {"ratings": RATINGS, "comment": "ok"})[0] == 200
    status, body = harness.json(user, "submit", EVIDENCE)
    assert status == 200, body


# -- user service: edx-platform.anonymous_user_id -------------------------------------------------
def test_records_and_submissions_are_keyed_by_the_anonymous_user_id_never_the_username(choice):
    _submit(choice)
    row = LearnerRecordRow.objects.get()
    assert row.learner_id == anon("alice") and "alice" not in row.learner_id
    status, queue = choice.json("staff", "queue", {})
    assert [item["learner_id"] for item in queue["items"]] == [anon("alice")]


def test_a_signed_out_visitor_has_no_id_even_when_the_runtime_carries_a_dummy_one(choice):
    # DjangoXBlockUserService sends only is_authenticated=False (no anonymous id) for a visitor;
    # the workbench runtime's legacy ``anonymous_student_id`` is a fixed dummy that must not be used.
    block = choice.block("alice")
    visitor = XBlockUser(is_current_user=True)
    visitor.opt_attrs["edx-platform.is_authenticated"] = False
    assert block.runtime.anonymous_student_id
    assert anonymous_id(block, visitor) is None


# -- user service: edx-platform.user_is_staff / edx-platform.user_role ---------------------------
def test_user_is_staff_selects_the_staff_view(choice):
    assert choice.block("staff").student_view().json_init_args["view"] == "staff"
    assert choice.block("alice").student_view().json_init_args["view"] == "learner"


def test_user_role_staff_or_instructor_counts_as_staff_and_student_does_not():
    assert service_says_staff(_platform_user(**{"edx-platform.user_role": "instructor"})) is True
    assert service_says_staff(_platform_user(**{"edx-platform.user_role": "staff"})) is True
    assert service_says_staff(_platform_user(**{"edx-platform.user_is_staff": True})) is True
    assert service_says_staff(_platform_user()) is False
    assert service_says_staff(XBlockUser(is_current_user=True)) is None  # no answer: legacy fallbacks


# -- masquerade -----------------------------------------------------------------------------------
def test_staff_masquerading_as_a_learner_get_that_learners_block(choice):
    _submit(choice)
    block = choice.block("staff-as-alice")
    block.runtime.user_is_staff = True  # a legacy runtime attribute must not override the service
    assert is_staff(block) is False
    assert block.student_view().json_init_args["view"] == "learner"
    status, state = choice.json("staff-as-alice", "state")
    assert status == 200 and state["role"] == "learner" and state["staff"] is None
    assert state["me"]["status"] == "submitted" and len(state["me"]["attempts"]) == 1
    status, body = choice.json("staff-as-alice", "queue", {})
    assert status == 403, body


# -- publish routing ------------------------------------------------------------------------------
class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_grades_reach_the_learner_through_edx_submissions_not_a_grade_event(choice):
    scores = []
    events = _Collect()
    publish_log = logging.getLogger("xblock_plchoice.workbench.publish")
    publish_log.addHandler(events)
    publish_log.setLevel(logging.INFO)

    def receiver(sender, **kwargs):
        scores.append((kwargs["anonymous_user_id"], kwargs["points_earned"], kwargs["points_possible"]))

    score_set.connect(receiver, dispatch_uid="test-contract-score-set")
    try:
        _submit(choice)
        status, body = choice.json("staff", "review", {"learner_id": anon("alice"), "attempt": 1,
                                                       "ratings": RATINGS, "feedback": "Clear.",
                                                       "decision": "mastered"})
        assert status == 200, body
    finally:
        score_set.disconnect(dispatch_uid="test-contract-score-set")
        publish_log.removeHandler(events)
    # edx-platform's grades app listens to score_set; a "grade" publish would grade the staff member.
    assert scores == [(anon("alice"), 10, 10)]
    assert not [m for m in events.messages if m.startswith("XBlock event grade")]


# -- retirement -----------------------------------------------------------------------------------
def test_retirement_receiver_takes_the_platforms_keyword_arguments(choice):
    _submit(choice)
    user, _ = get_user_model().objects.get_or_create(username="alice")
    # As lms/.../user_api/accounts/views.py sends it (extra keyword arguments may be added).
    responses = USER_RETIRE_LMS_CRITICAL.send(sender=type("LMSAccountRetirementView", (), {}), user=user,
                                              retired_username="retired_user_x", retired_email="r@retired.invalid")
    assert all(error is None or not isinstance(error, Exception) for _, error in responses)
    assert LearnerRecordRow.objects.filter(learner_id=anon("alice")).count() == 0


# -- handler URLs -----------------------------------------------------------------------------------
def test_every_url_the_front_end_gets_comes_from_runtime_handler_url(choice):
    block = choice.block("alice")
    args = block.student_view().json_init_args
    runtime = block.runtime
    assert args["handlers"] == {name: runtime.handler_url(block, name) for name in COMMANDS}
    assert args["upload_url"] == runtime.handler_url(block, "upload")
    assert args["export_url"] == runtime.handler_url(block, "export")
    assert args["file_url_template"] == runtime.handler_url(block, "file", FILE_ID_SLOT).replace(
        FILE_ID_SLOT, "{file_id}")
    assert choice.json("alice", "choose", {"option_id": "write"})[0] == 200
    status, view = upload(choice, "alice", "notes.txt", b"light and water\n", content_type="text/plain")
    assert status == 200, view
    assert view["url"] == runtime.handler_url(block, "file", view["file_id"])


@override_settings(STUDENT_FILEUPLOAD_MAX_SIZE=1_000_000)
def test_file_limits_never_exceed_the_lms_upload_limit(choice):
    # lms/envs/common.py: STUDENT_FILEUPLOAD_MAX_SIZE (4 MB); the platform 413s anything larger itself.
    status, state = choice.json("alice", "state")
    limits = state["limits"]
    assert (limits["file_max_bytes"], limits["audio_max_bytes"], limits["video_max_bytes"]) == (1_000_000,) * 3
    assert choice.json("alice", "choose", {"option_id": "write"})[0] == 200
    status, body = upload(choice, "alice", "big.txt", b"x" * 1_100_000, content_type="text/plain")
    assert status == 413 and body["error"] == "file_too_large", body
