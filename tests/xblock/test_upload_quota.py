"""The per-learner upload quota through the XBlock's upload handler on the workbench runtime.

``XBLOCK_SETTINGS["PLChoiceBlock"]["quota_bytes"]`` sets it, like ``file_max_bytes``.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from xblock_plchoice.blocks.models import FileRow

from .helpers import Harness, upload
from .test_hostile_input import _choose, _stored_files

QUOTA = 3000


def pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + b"0" * (size - 9)


@pytest.fixture
def small_quota(monkeypatch):
    monkeypatch.setitem(settings.XBLOCK_SETTINGS, "PLChoiceBlock",
                        {**settings.XBLOCK_SETTINGS["PLChoiceBlock"], "quota_bytes": QUOTA})


def test_filling_the_quota_gets_413_and_stores_nothing(choice, small_quota):
    _choose(choice)
    for _ in range(3):
        status, body = upload(choice, "alice", "part.pdf", pdf(QUOTA // 3))
        assert status == 200, body
    rows, files = FileRow.objects.count(), _stored_files()
    status, body = upload(choice, "alice", "more.pdf", pdf(100))
    assert status == 413 and body["error"] == "quota_exceeded", body
    assert body["used_bytes"] == QUOTA and body["quota_bytes"] == QUOTA
    assert FileRow.objects.count() == rows and _stored_files() == files
    status, state = choice.json("alice", "state")
    assert state["limits"]["quota_bytes"] == QUOTA and state["limits"]["quota_used_bytes"] == QUOTA


def test_others_and_other_blocks_are_unaffected(choice, small_quota):
    _choose(choice)
    assert upload(choice, "alice", "all.pdf", pdf(QUOTA))[0] == 200
    _choose(choice, "bob")
    assert upload(choice, "bob", "mine.pdf", pdf(QUOTA))[0] == 200
    other = Harness('<plchoice display_name="Another" />')
    _choose(other)
    assert upload(other, "alice", "there.pdf", pdf(QUOTA))[0] == 200
    assert upload(choice, "alice", "more.pdf", pdf(50))[0] == 413


def test_one_upload_crossing_the_quota_is_refused_and_leaves_nothing(choice, small_quota):
    _choose(choice)
    assert upload(choice, "alice", "half.pdf", pdf(QUOTA // 2))[0] == 200
    rows, files = FileRow.objects.count(), _stored_files()
    status, body = upload(choice, "alice", "big.pdf", pdf(200_000))  # far under file_max_bytes
    assert status == 413 and body["error"] == "quota_exceeded", body
    assert FileRow.objects.count() == rows and _stored_files() == files
