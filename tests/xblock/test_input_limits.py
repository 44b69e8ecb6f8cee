"""The XBlock home's input limits, through the real workbench runtime's handlers: the same attacks as
tests/security/test_input_limits.py (oversized and deeply nested JSON, digits that are not ASCII, lone
surrogates, a stored bad value in the CSV export), the same answers."""

from __future__ import annotations

import json

from xblock_plchoice.blocks.models import LearnerRecordRow

from .helpers import anon
from .test_hostile_input import _row_counts

MAX_JSON_BYTES = 2 * 1024 * 1024
RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}


def test_body_over_2mb_is_413_and_stores_nothing(choice):
    before = _row_counts()
    filler = "x" * (MAX_JSON_BYTES + 1 - len('{"option_id": "write", "pad": ""}'))
    body = json.dumps({"option_id": "write", "pad": filler}).encode()
    assert len(body) == MAX_JSON_BYTES + 1
    response = choice.call(choice.block("alice"), "choose", body=body)
    assert response.status_int == 413, response.body[:300]
    assert response.json["error"] == "payload_too_large" and response.json["message"]
    assert _row_counts() == before


def test_deeply_nested_json_is_400_not_500(choice):
    before = _row_counts()
    deep = b'{"option_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = choice.call(choice.block("alice"), "choose", body=deep)
    assert response.status_int == 400, response.body[:300]
    assert response.json["error"] == "malformed"
    nested = b'{"ratings": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}"
    response = choice.call(choice.block("alice"), "self_assess", body=nested)
    assert response.status_int == 400 and response.json["error"] == "malformed"
    # studio_submit parses the same way (XBlock's stock json_handler is not used anywhere)
    response = choice.call(choice.block("staff"), "studio_submit", body=b'{"a": ' + b"[" * 50_000 + b"}")
    assert response.status_int == 400 and response.json["error"] == "malformed"
    assert _row_counts() == before


def test_digits_that_are_not_ascii_are_400(choice):
    for payload in ({"page": "²"}, {"page": "١٢"}, {"page_size": "１２"}, {"page": "1²"}):
        status, body = choice.json("staff", "queue", payload)
        assert status == 400, (payload, body)
        assert body["error"] == "invalid" and body["field"] in payload
    assert choice.json("staff", "queue", {"page": "2"})[0] == 200


def test_lone_surrogate_in_a_draft_is_repaired_on_arrival(choice):
    """Decision: repaired, not refused. A lone surrogate (valid JSON, not encodable) becomes U+FFFD."""
    assert choice.json("alice", "choose", {"option_id": "write"})[0] == 200
    body = b'{"text": "before \\ud800 after \\udfff end", "links": [], "file_ids": []}'
    response = choice.call(choice.block("alice"), "save_draft", body=body)
    assert response.status_int == 200, response.body[:300]
    status, state = choice.json("alice", "state")
    assert state["me"]["draft"]["text"] == "before \ufffd after \ufffd end"
    row = LearnerRecordRow.objects.get(learner_id=anon("alice"))
    assert row.data["draft"]["text"] == "before \ufffd after \ufffd end"


def test_export_completes_after_a_bad_value_was_stored_directly(choice):
    assert choice.json("alice", "choose", {"option_id": "write"})[0] == 200
    assert choice.json("alice", "self_assess", {"ratings": RATINGS, "comment": "ok"})[0] == 200
    status, body = choice.json("alice", "submit", {"text": "Plants use light.", "links": [], "file_ids": []})
    assert status == 200, body
    # A value stored before this fix: lone surrogates, written straight into the table.
    row = LearnerRecordRow.objects.get(learner_id=anon("alice"))
    data = row.data
    data["display_name"] = "Ana \ud83d"
    data["attempts"][0]["evidence"]["text"] = "=bad \udc00 value"
    LearnerRecordRow.objects.filter(pk=row.pk).update(data=data)
    response = choice.call(choice.block("staff"), "export", method="GET")
    assert response.status_int == 200
    csv_text = b"".join(response.app_iter).decode("utf-8")  # the whole stream, valid UTF-8
    assert "Ana \ufffd" in csv_text and "'=bad \ufffd value" in csv_text
    assert csv_text.count("\r\n") == 2  # header + the one attempt: nothing cut off
