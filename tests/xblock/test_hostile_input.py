"""Bad input through the handlers: each gets a clear 4xx in protocol shape and stores nothing."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from submissions.models import StudentItem, Submission

from xblock_plchoice.blocks.models import (
    BankCommentRow,
    CounterRow,
    FileRow,
    LearnerRecordRow,
    ProfileRow,
    ReflectionRow,
)
from xblock_plchoice.core.protocol import COMMANDS

from .helpers import anon, upload

PDF = b"%PDF-1.4\n" + b"1" * 500
STAFF_PAYLOADS = {
    "queue": {"page": 1, "page_size": 10},
    "review": {"learner_id": "x", "attempt": 1, "ratings": {}, "feedback": "f", "decision": "mastered"},
    "decide_proposal": {"learner_id": "x", "decision": "approve", "note": ""},
    "analytics": {},
    "claim": {"learner_id": "x", "release": False},
    "open_item": {"learner_id": "x"},
    "accommodate": {"learner_id": "x", "due": "2030-01-01T00:00:00Z", "extra_revisions": 5},
    "comment_bank": {"action": "add", "criterion_id": "clarity", "text": "hijack"},
    "rubric_impact": {},
    "resend_grade": {"learner_id": "x"},
    "shared_reflections": {"page": 1, "page_size": 10},
    "view_as_learner": {"steps": [{"command": "choose", "payload": {"option_id": "write"}}]},
}


def _row_counts():
    return tuple(model.objects.count() for model in
                 (LearnerRecordRow, CounterRow, ReflectionRow, ProfileRow, FileRow, BankCommentRow, StudentItem,
                  Submission))


def _stored_files():
    root = settings.STORAGES["plchoice"]["OPTIONS"]["location"]
    return sorted(os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files)


def _choose(harness, user="alice", option="write"):
    status, body = harness.json(user, "choose", {"option_id": option})
    assert status == 200, body


def test_every_staff_command_is_forbidden_to_a_learner(choice):
    _choose(choice)
    staff_commands = sorted(name for name, spec in COMMANDS.items() if spec.staff_only)
    assert set(staff_commands) == set(STAFF_PAYLOADS), "a new staff command needs a hostile-input case here"
    before = _row_counts()
    for name in staff_commands:
        status, body = choice.json("alice", name, STAFF_PAYLOADS[name])
        assert status == 403, (name, body)
        assert body["error"] == "forbidden" and body["message"]
    response = choice.call(choice.block("alice"), "export", method="GET")
    assert response.status_int == 403 and b"forbidden" in response.body
    for handler in ("studio_submit", "preview"):
        status, body = choice.json("alice", handler, {"definition": {"title": "hijack"}})
        assert status == 403, (handler, body)
    assert _row_counts() == before


def test_learner_cannot_read_another_learners_file_but_owner_and_staff_can(choice):
    _choose(choice, "bob")
    status, meta = upload(choice, "bob", "notes.pdf", PDF)
    assert status == 200, meta
    file_id = meta["file_id"]
    _choose(choice, "alice")
    response = choice.call(choice.block("alice"), "file", method="GET", suffix=file_id)
    assert response.status_int == 404 and response.json["error"] == "not_found"
    assert PDF not in response.body
    for reader in ("bob", "staff"):
        response = choice.call(choice.block(reader), "file", method="GET", suffix=file_id)
        assert response.status_int == 200, reader
        assert response.body == PDF
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.content_type == "application/pdf"
    # And alice cannot attach bob's file to her own evidence.
    status, body = choice.json("alice", "save_draft", {"text": "mine", "links": [], "file_ids": [file_id]})
    assert status in (400, 404), body
    assert choice.json("alice", "state")[1]["me"]["draft"] is None


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", "malformed"),
    (b"[1, 2]", "malformed"),
    (b'"text"', "malformed"),
    (b"\xff\xfe", "malformed"),
])
def test_malformed_bodies_are_400_and_store_nothing(choice, body, code):
    before = _row_counts()
    response = choice.call(choice.block("alice"), "choose", body=body)
    assert response.status_int == 400
    assert response.json["error"] == code and response.json["message"]
    assert _row_counts() == before


@pytest.mark.parametrize("payload", [
    {"option_id": 42},
    {"option_id": "no-such-option"},
    {"option_id": None},
    {"option_id": ["write"]},
])
def test_bad_choose_payloads_store_nothing(choice, payload):
    before = _row_counts()
    status, body = choice.json("alice", "choose", payload)
    assert 400 <= status < 500 and body["error"] and body["message"]
    assert _row_counts() == before


@pytest.mark.parametrize("payload", [
    {"text": 5, "links": [], "file_ids": []},
    {"text": "ok", "links": ["javascript:alert(1)"], "file_ids": []},
    {"text": "ok", "links": "http://x", "file_ids": []},
    {"text": "ok", "links": [], "file_ids": ["missing"]},
    {"text": "x" * 30_000, "links": [], "file_ids": []},
])
def test_bad_evidence_is_refused_and_the_draft_stays_as_it_was(choice, payload):
    _choose(choice)
    assert choice.json("alice", "save_draft", {"text": "kept", "links": [], "file_ids": []})[0] == 200
    before = _row_counts()
    status, body = choice.json("alice", "save_draft", payload)
    assert 400 <= status < 500 and body["message"], body
    assert _row_counts() == before
    assert choice.json("alice", "state")[1]["me"]["draft"]["text"] == "kept"


def test_get_on_a_command_is_405(choice):
    response = choice.call(choice.block("alice"), "state", method="GET")
    assert response.status_int == 405 and response.json["error"] == "method_not_allowed"


def test_oversized_upload_is_413_and_nothing_is_stored(choice):
    _choose(choice)
    before, files_before = _row_counts(), _stored_files()
    limit = settings.XBLOCK_SETTINGS["PLChoiceBlock"]["file_max_bytes"]
    status, body = upload(choice, "alice", "big.pdf", b"%PDF-1.4\n" + b"0" * (limit + 10))
    assert status == 413 and body["error"] == "file_too_large", body
    assert "MB" in body["message"]
    assert _row_counts() == before and _stored_files() == files_before


def test_upload_just_over_the_limit_inside_the_slack_is_still_413(choice):
    """The early Content-Length check lets this through; the core's streaming check must stop it."""
    _choose(choice)
    before, files_before = _row_counts(), _stored_files()
    limit = settings.XBLOCK_SETTINGS["PLChoiceBlock"]["file_max_bytes"]
    status, body = upload(choice, "alice", "big.pdf", b"%PDF-1.4\n" + b"0" * (limit - 5))
    assert status == 413, body
    assert _row_counts() == before and _stored_files() == files_before


@pytest.mark.parametrize(("name", "data"), [
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("image.svg", b"<svg onload='alert(1)'></svg>"),
    ("fake.pdf", b"<html><script>alert(1)</script></html>"),
    ("notes.txt", b"<!DOCTYPE html><script>alert(1)</script>"),
    ("program.exe", b"MZ\x90\x00"),
])
def test_disallowed_uploads_are_415_and_nothing_is_stored(choice, name, data):
    _choose(choice)
    before, files_before = _row_counts(), _stored_files()
    status, body = upload(choice, "alice", name, data)
    assert status == 415 and body["error"] == "unsupported_file", body
    assert _row_counts() == before and _stored_files() == files_before


def test_upload_without_a_file_part_is_400(choice):
    _choose(choice)
    response = choice.call(choice.block("alice"), "upload", body=b"plain", content_type="text/plain")
    assert response.status_int == 400 and response.json["error"] == "malformed"


def test_file_ids_that_are_paths_are_404(choice):
    for suffix in ("../../etc/passwd", "", "a/b"):
        response = choice.call(choice.block("staff"), "file", method="GET", suffix=suffix)
        assert response.status_int == 404, suffix


def test_anonymous_visitor_cannot_act(choice):
    block = choice.block(None)
    response = choice.call(block, "choose", {"option_id": "write"})
    assert response.status_int == 403
    assert LearnerRecordRow.objects.filter(learner_id=anon("")).count() == 0
