"""LMS/mobile views, i18n, and user retirement."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from xblock.exceptions import DisallowedFileError

from xblock_plchoice.blocks.models import FileRow, LearnerRecordRow, ProfileRow, ReflectionRow
from xblock_plchoice.blocks.retirement import USER_RETIRE_LMS_CRITICAL
from xblock_plchoice.core.i18n import translation_for
from xblock_plchoice.core.protocol import COMMANDS

from .helpers import Harness, anon, upload

PDF = b"%PDF-1.4\n" + b"2" * 300
HOSTILE_NAME = '<img src=x onerror="alert(1)">'


def test_student_view_escapes_the_shell_and_wires_every_command():
    harness = Harness(f'<plchoice display_name="{html.escape(HOSTILE_NAME, quote=True)}" />')
    block = harness.block("alice")
    frag = block.student_view()
    assert HOSTILE_NAME not in frag.content and "&lt;img" in frag.content
    args = frag.json_init_args
    assert frag.js_init_fn == "PLChoiceXBlock"
    assert args["view"] == "learner" and args["block_type"] == "plchoice"
    assert set(args["handlers"]) == set(COMMANDS)
    assert "{file_id}" in args["file_url_template"] and args["csrf_cookie"] == "csrftoken"
    urls = [r.data for r in frag.resources if r.kind == "url"]
    assert any(u.endswith("static/css/plchoice.css") for u in urls)
    assert any(u.endswith("static/js/xblock_init.js") for u in urls)
    assert harness.block("staff").student_view().json_init_args["view"] == "staff"


def test_static_files_are_served_from_the_package():
    from xblock_plchoice.blocks.choice import PLChoiceBlock

    with PLChoiceBlock.open_local_resource("static/js/xblock_init.js") as handle:
        assert b"PLChoiceXBlock" in handle.read()
    for bad in ("static/../blocks/store.py", "blocks/store.py", "static//etc/passwd"):
        with pytest.raises(DisallowedFileError):
            PLChoiceBlock.open_local_resource(bad)


def test_arabic_request_gets_rtl_and_translated_js_strings(choice):
    with translation.override("ar"):
        args = choice.block("alice").student_view().json_init_args
    assert args["lang"].startswith("ar") and args["dir"] == "rtl"
    assert args["i18n"], "the Arabic catalog should translate some front-end strings"
    with translation.override("en"):
        assert choice.block("alice").student_view().json_init_args["dir"] == "ltr"


def test_error_messages_follow_the_request_language(choice):
    message = "Only course staff can do that."
    with translation.override("es"):
        status, body = choice.json("alice", "queue", {})
    assert status == 403
    assert body["message"] == translation_for("es").gettext(message)


def test_student_view_data_for_mobile(choice):
    assert choice.json("alice", "choose", {"option_id": "record"})[0] == 200
    data = choice.block("alice").student_view_data()
    assert data["activity"]["kind"] == "choice" and len(data["activity"]["options"]) == 3
    assert data["state"]["me"]["option_id"] == "record"
    assert set(data["handlers"]) == set(COMMANDS) and data["upload_url"]
    block = choice.block("alice")
    assert block.has_support(block.student_view, "multi_device")


def _seed(harness_choice, harness_reflection, user):
    assert harness_choice.json(user, "choose", {"option_id": "write"})[0] == 200
    assert upload(harness_choice, user, "work.pdf", PDF)[0] == 200
    assert harness_choice.json(user, "profile", {"strengths": "drawing", "interests": "", "goals": "",
                                                 "supports": "", "share_with_staff": False})[0] == 200
    status, body = harness_reflection.json(user, "reflect", {"phase": "before", "answers": {"goal": "x"},
                                                            "share_with_staff": True})
    assert status == 200, body


def _rows(learner_id):
    return [model.objects.filter(learner_id=learner_id).count()
            for model in (LearnerRecordRow, FileRow, ProfileRow, ReflectionRow)]


def test_retirement_deletes_the_learners_data_and_only_theirs(choice, reflection):
    _seed(choice, reflection, "alice")
    _seed(choice, reflection, "bob")
    assert _rows(anon("alice")) == [1, 1, 1, 1]
    file_path = FileRow.objects.get(learner_id=anon("alice")).data["path"]
    from xblock_plchoice.blocks.store import plchoice_storage

    assert plchoice_storage().exists(file_path)
    user = get_user_model().objects.create(username="alice")
    USER_RETIRE_LMS_CRITICAL.send(sender=None, user=user)
    assert _rows(anon("alice")) == [0, 0, 0, 0]
    assert not plchoice_storage().exists(file_path)
    assert _rows(anon("bob")) == [1, 1, 1, 1]
