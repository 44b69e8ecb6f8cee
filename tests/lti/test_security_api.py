"""/api refuses calls that do not prove their launch: role, CSRF token, session binding, signed downloads."""

from __future__ import annotations

import io

from lti_tool.web.api import file_url_for

from .conftest import api_headers, launch_config
from .helpers.tokens import INSTRUCTOR


def launched(app, platform, **overrides):
    client = app.test_client()
    response, _, _ = platform.launch(client, **overrides)
    assert response.status_code == 200, response.get_data(as_text=True)
    return client, launch_config(response)


def test_learner_calling_staff_commands_gets_403(app, platform):
    client, config = launched(app, platform)
    for command, payload in (("queue", {"page": 1}), ("analytics", {}),
                             ("review", {"learner_id": "x", "attempt": 1, "ratings": {}, "decision": "mastered"}),
                             ("decide_proposal", {"learner_id": "x", "decision": "approve"})):
        response = client.post(f"/api/{command}", json=payload, headers=api_headers(config))
        assert response.status_code == 403, (command, response.json)
        assert response.json["error"] == "forbidden"


def test_learner_export_is_forbidden(app, platform):
    client, config = launched(app, platform)
    response = client.get(config["transport"]["exportUrl"])
    assert response.status_code == 403 and response.json["error"] == "forbidden"


def test_missing_csrf_token_is_403(app, platform):
    client, config = launched(app, platform)
    transport = config["transport"]
    response = client.post("/api/choose", json={"option_id": "write"},
                           headers={transport["launchHeader"]: transport["launchId"]})
    assert response.status_code == 403 and response.json["error"] == "csrf"
    state = client.post("/api/state", json={}, headers=api_headers(config))
    assert state.json["me"]["status"] == "not_started"  # nothing was changed


def test_wrong_csrf_token_is_403(app, platform):
    client, config = launched(app, platform)
    transport = config["transport"]
    headers = {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: "guess"}
    assert client.post("/api/state", json={}, headers=headers).status_code == 403


def test_a_launch_id_alone_grants_nothing(app, platform):
    _client, config = launched(app, platform)
    transport = config["transport"]
    stranger = app.test_client()
    response = stranger.post("/api/state", json={}, headers={transport["launchHeader"]: transport["launchId"]})
    assert response.status_code == 403
    # even with the token, a cookie-bound launch needs its browser session
    response = stranger.post("/api/state", json={}, headers=api_headers(config))
    assert response.status_code == 403 and response.json["error"] == "csrf"


def test_no_launch_is_401(app, platform):
    response = app.test_client().post("/api/state", json={})
    assert response.status_code == 401 and response.json["error"] == "launch_required"
    response = app.test_client().post("/api/state", json={}, headers={"X-PLChoice-Launch": "launch-nope"})
    assert response.status_code == 401


def test_unknown_command_and_malformed_body(app, platform):
    client, config = launched(app, platform)
    unknown = client.post("/api/drop_tables", json={}, headers=api_headers(config))
    assert unknown.status_code == 404 and unknown.json["error"] == "unknown_command"
    malformed = client.post("/api/choose", data="{not json", headers={**api_headers(config),
                                                                       "Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.json["error"] == "malformed"
    listing = client.post("/api/choose", json=["write"], headers=api_headers(config))
    assert listing.status_code == 400


def test_upload_download_with_signature_only(app, platform):
    client, config = launched(app, platform)
    headers = api_headers(config)
    assert client.post("/api/choose", json={"option_id": "write"}, headers=headers).status_code == 200
    pdf = b"%PDF-1.7\n" + b"x" * 100
    uploaded = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(pdf), "notes.pdf")},
                           headers=headers, content_type="multipart/form-data")
    assert uploaded.status_code == 200, uploaded.json
    view = uploaded.json
    assert view["name"] == "notes.pdf" and view["size"] == len(pdf)
    stranger = app.test_client()  # a new tab: no partitioned cookie, only the signed URL
    download = stranger.get(view["url"])
    assert download.status_code == 200 and download.data == pdf
    assert "attachment" in download.headers["Content-Disposition"]
    unsigned = stranger.get(view["url"].split("&sig=")[0])
    assert unsigned.status_code == 403
    forged = stranger.get(view["url"].split("&sig=")[0] + "&sig=AAAA")
    assert forged.status_code == 403


def test_upload_without_csrf_stores_nothing(app, platform):
    client, config = launched(app, platform)
    client.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config))
    transport = config["transport"]
    response = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(b"%PDF-1.7"), "a.pdf")},
                           headers={transport["launchHeader"]: transport["launchId"]},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    blobs = app.extensions["plchoice"].blobs.root
    assert not any(p.is_file() for p in blobs.rglob("*"))


def test_another_learner_cannot_read_my_file(app, platform):
    client, config = launched(app, platform)
    headers = api_headers(config)
    client.post("/api/choose", json={"option_id": "write"}, headers=headers)
    view = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(b"%PDF-1.7 mine"), "m.pdf")},
                       headers=headers, content_type="multipart/form-data").json
    _other_client, other = launched(app, platform, sub="learner-2")
    with app.app_context():  # a link the tool itself signed for the other learner's launch
        theirs = file_url_for(other["transport"]["launchId"], view["file_id"])
    assert app.test_client().get(theirs).status_code == 404


def submit_work(client, config) -> None:
    headers = api_headers(config)
    assert client.post("/api/choose", json={"option_id": "write"}, headers=headers).status_code == 200
    assessed = client.post("/api/self_assess", json={"ratings": {"accuracy": "meets", "clarity": "meets",
                                                                  "evidence": "meets"}, "comment": "ok"},
                           headers=headers)
    assert assessed.status_code == 200, assessed.json
    submitted = client.post("/api/submit", json={"text": "Plants use light.", "links": [], "file_ids": []},
                            headers=headers)
    assert submitted.status_code == 200, submitted.json


def test_staff_export_streams_csv(app, platform):
    client, config = launched(app, platform)
    submit_work(client, config)
    staff_client, staff = launched(app, platform, sub="teacher-1", roles=[INSTRUCTOR])
    response = staff_client.get(staff["transport"]["exportUrl"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert "learner-1" in response.get_data(as_text=True)


def test_upload_limits_come_from_settings_and_oversized_or_hostile_files_store_nothing(make_app, platform_factory):
    app = make_app(FILE_MAX_BYTES=1024)
    platform = platform_factory(app)
    client, config = launched(app, platform)
    headers = api_headers(config)
    assert client.post("/api/choose", json={"option_id": "write"}, headers=headers).status_code == 200
    big = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(b"%PDF-1.7" + b"x" * 5000), "b.pdf")},
                      headers=headers, content_type="multipart/form-data")
    assert big.status_code == 413 and big.json["error"] == "file_too_large" and "1.0 KB" in big.json["message"]
    html = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(b"<script>x</script>"), "a.pdf")},
                       headers=headers, content_type="multipart/form-data")
    assert html.status_code == 415 and html.json["error"] == "unsupported_file"
    blobs = app.extensions["plchoice"].blobs.root
    assert not any(p.is_file() for p in blobs.rglob("*"))
    ok = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(b"%PDF-1.7 small"), "s.pdf")},
                     headers=headers, content_type="multipart/form-data")
    assert ok.status_code == 200
