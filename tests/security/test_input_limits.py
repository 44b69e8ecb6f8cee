"""/api input limits, attacked through the real app: oversized and deeply nested JSON, digits that are
not ASCII, text that is not valid Unicode, and a stored bad value that must not break the staff export.

Each refused request gets a 4xx in the protocol's JSON shape (never a 500) and stores nothing.
"""

from __future__ import annotations

import io
import json

from sqlalchemy import text

from lti_tool.db.models import LearnerRecordRow
from tests.lti.conftest import api_headers, launch_config
from tests.lti.helpers.tokens import INSTRUCTOR
from tests.lti.test_security_api import submit_work

MAX_JSON_BYTES = 2 * 1024 * 1024


def launched(app, platform, **overrides):
    client = app.test_client()
    response, _, _ = platform.launch(client, **overrides)
    assert response.status_code == 200, response.get_data(as_text=True)
    return client, launch_config(response)


def post_raw(client, config, command: str, body: bytes):
    return client.post(f"/api/{command}", data=body,
                       headers={**api_headers(config), "Content-Type": "application/json"})


def stored_records(app) -> int:
    with app.extensions["plchoice"].sessions() as session:
        return session.query(LearnerRecordRow).count()


def test_command_body_over_2mb_is_413_json_and_stores_nothing(app, platform):
    client, config = launched(app, platform)
    filler = "x" * (MAX_JSON_BYTES + 1 - len('{"option_id": "write", "pad": ""}'))
    body = json.dumps({"option_id": "write", "pad": filler}).encode()
    assert len(body) == MAX_JSON_BYTES + 1
    response = post_raw(client, config, "choose", body)
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.json["error"] == "payload_too_large" and response.json["message"]
    assert "no-store" in response.headers["Cache-Control"]
    assert stored_records(app) == 0
    # exactly at the limit is still read (and refused only for what it says)
    at_limit = json.dumps({"option_id": "write", "pad": filler[:-1]}).encode()
    assert post_raw(client, config, "choose", at_limit).status_code == 200


def test_deeply_nested_json_is_400_not_500(app, platform):
    client, config = launched(app, platform)
    deep = b'{"option_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = post_raw(client, config, "choose", deep)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"] == "malformed"
    # nesting the interpreter could parse, but far beyond any real payload, is refused too
    nested = b'{"ratings": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}"
    response = post_raw(client, config, "self_assess", nested)
    assert response.status_code == 400 and response.json["error"] == "malformed"
    assert stored_records(app) == 0


def test_digits_that_are_not_ascii_are_400(app, platform):
    client, config = launched(app, platform, sub="teacher-1", roles=[INSTRUCTOR])
    headers = api_headers(config)
    for payload in ({"page": "²"}, {"page": "١٢"}, {"page_size": "１２"}, {"page": "1²"}, {"page": " ٣ "}):
        response = client.post("/api/queue", json=payload, headers=headers)
        assert response.status_code == 400, (payload, response.get_data(as_text=True)[:300])
        assert response.json["error"] == "invalid" and response.json["field"] in payload
    # ASCII digits, as numbers or as text, still work
    assert client.post("/api/queue", json={"page": "2"}, headers=headers).status_code == 200
    assert client.post("/api/queue", json={"page": 1, "page_size": 5}, headers=headers).status_code == 200


def test_lone_surrogate_in_a_draft_is_repaired_on_arrival(app, platform):
    """Decision: repaired, not refused. A lone surrogate (valid JSON, not encodable) becomes U+FFFD."""
    client, config = launched(app, platform)
    assert client.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config)).status_code == 200
    body = b'{"text": "before \\ud800 after \\udfff end", "links": [], "file_ids": []}'
    response = post_raw(client, config, "save_draft", body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    state = client.post("/api/state", json={}, headers=api_headers(config)).json
    assert state["me"]["draft"]["text"] == "before \ufffd after \ufffd end"
    with app.extensions["plchoice"].sessions() as session:
        (data,) = session.execute(text("SELECT data FROM plc_learner_record")).one()
    stored = data if isinstance(data, str) else json.dumps(data)
    stored.encode("utf-8")  # what is stored is valid Unicode
    assert "\\ud800" not in stored and "\\udfff" not in stored


def test_export_completes_after_a_bad_value_was_stored_directly(app, platform):
    learner, learner_config = launched(app, platform)
    submit_work(learner, learner_config)
    # A value stored before this fix (or by another tool): lone surrogates, written straight into the table.
    with app.extensions["plchoice"].sessions.begin() as session:
        (raw,) = session.execute(text("SELECT data FROM plc_learner_record")).one()
        data = json.loads(raw) if isinstance(raw, str) else raw
        data["display_name"] = "Ana \ud83d"
        data["attempts"][0]["evidence"]["text"] = "=bad \udc00 value"
        session.execute(text("UPDATE plc_learner_record SET data = :data"), {"data": json.dumps(data)})
    staff, staff_config = launched(app, platform, sub="teacher-1", roles=[INSTRUCTOR])
    response = staff.get(staff_config["transport"]["exportUrl"])
    assert response.status_code == 200
    csv_text = response.get_data().decode("utf-8")  # the whole stream arrived and is valid UTF-8
    assert "Ana \ufffd" in csv_text and "'=bad \ufffd value" in csv_text
    assert csv_text.count("\r\n") == 2  # header + the one attempt: nothing cut off


def test_upload_over_the_request_limit_is_json_413(make_app, platform_factory):
    app = make_app(MAX_UPLOAD_BYTES=64 * 1024)
    platform = platform_factory(app)
    client, config = launched(app, platform)
    assert client.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config)).status_code == 200
    pdf = b"%PDF-1.7\n" + b"x" * (128 * 1024)
    response = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(pdf), "big.pdf")},
                           headers=api_headers(config), content_type="multipart/form-data")
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.is_json and response.json["error"] and response.json["message"]
    assert "no-store" in response.headers["Cache-Control"]
    blobs = app.extensions["plchoice"].blobs.root
    assert not any(p.is_file() for p in blobs.rglob("*"))
