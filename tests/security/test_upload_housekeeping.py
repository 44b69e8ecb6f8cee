"""Nobody can fill the disk: a per-learner quota per activity, and evidence files nobody uses are swept.

The quota is attacked through the real /api/upload of an app on a temp data dir; the sweep runs as the
real ``plchoice-lti housekeeping`` CLI in a subprocess, and as the outbox worker of a running tool process.
Files are aged by editing their stored timestamp in the database, as 24 hours passing would.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import select, update

from lti_tool.db.models import Activity, FileMetaRow
from tests.lti.conftest import api_headers, launch_config
from tests.lti.platform_fixtures import ROOT, Browser, connect, wait_for
from tests.lti.platform_fixtures import launch_config as page_config
from xblock_plchoice.core.activity import default_choice_definition

QUOTA = 4000


def pdf(size: int) -> bytes:
    return b"%PDF-1.7\n" + b"0" * (size - 9)


def launched(app, platform, **overrides):
    client = app.test_client()
    response, _, _ = platform.launch(client, **overrides)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    config = launch_config(response)
    assert client.post("/api/choose", json={"option_id": "write"}, headers=api_headers(config)).status_code == 200
    return client, config


def post_file(client, config, data: bytes, name: str = "notes.pdf"):
    return client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(data), name)},
                       headers=api_headers(config), content_type="multipart/form-data")


def blob_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def file_rows(sessions) -> dict[str, dict]:
    with sessions() as session:
        return {row.file_id: row.data for row in session.scalars(select(FileMetaRow))}


def age_file(sessions, file_id: str, hours: float) -> None:
    """Move a file's upload time ``hours`` into the past (its JSON and the indexed column)."""
    at = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="microseconds")
    with sessions.begin() as session:
        row = session.get(FileMetaRow, file_id)
        values = {"data": {**row.data, "at": at}}
        if "created_at" in FileMetaRow.__table__.c:
            values["created_at"] = at
        session.execute(update(FileMetaRow).where(FileMetaRow.file_id == file_id).values(**values))


# ---------------------------------------------------------------------------------------------- quota
def test_learner_filling_the_quota_gets_413_and_nothing_is_kept(make_app, platform_factory):
    app = make_app(QUOTA_BYTES=QUOTA)
    platform = platform_factory(app)
    tool = app.extensions["plchoice"]
    client, config = launched(app, platform)
    for _ in range(2):
        assert post_file(client, config, pdf(QUOTA // 2)).status_code == 200
    before_blobs, before_rows = blob_files(tool.blobs.root), file_rows(tool.sessions)
    refused = post_file(client, config, pdf(100))
    assert refused.status_code == 413, refused.json
    body = refused.json
    assert body["error"] == "quota_exceeded" and body["used_bytes"] == QUOTA and body["quota_bytes"] == QUOTA
    assert "3.9 KB" in body["message"]  # used and allowed, in words the learner can act on
    assert blob_files(tool.blobs.root) == before_blobs and file_rows(tool.sessions) == before_rows
    state = client.post("/api/state", json={}, headers=api_headers(config)).json
    assert state["limits"]["quota_bytes"] == QUOTA and state["limits"]["quota_used_bytes"] == QUOTA

    # another learner in the same activity, and the same learner in another activity, still have room
    other_client, other = launched(app, platform, sub="learner-2")
    assert post_file(other_client, other, pdf(QUOTA)).status_code == 200
    with tool.sessions.begin() as session:
        session.add(Activity(id="act-2", course_key=f"{platform.issuer} course-1",
                             definition_json=default_choice_definition()))
    second_client, second = launched(app, platform, activity_id="act-2", resource_link_id="rl-2")
    assert post_file(second_client, second, pdf(QUOTA)).status_code == 200
    assert post_file(client, config, pdf(100)).status_code == 413  # the first learner's activity stays full


def test_one_upload_crossing_the_quota_mid_stream_leaves_nothing(make_app, platform_factory):
    app = make_app(QUOTA_BYTES=200_000)
    platform = platform_factory(app)
    tool = app.extensions["plchoice"]
    client, config = launched(app, platform)
    assert post_file(client, config, pdf(150_000)).status_code == 200
    before_blobs, before_rows = blob_files(tool.blobs.root), file_rows(tool.sessions)
    refused = post_file(client, config, pdf(300_000), "big.pdf")  # under the 20 MB file limit, over the quota
    assert refused.status_code == 413 and refused.json["error"] == "quota_exceeded", refused.json
    assert blob_files(tool.blobs.root) == before_blobs and file_rows(tool.sessions) == before_rows
    assert not any(p.name.endswith(".part") for p in tool.blobs.root.rglob("*"))


# ---------------------------------------------------------------------------------------------- orphans
def housekeeping_cli(data_dir: Path, **env: str) -> str:
    done = subprocess.run([sys.executable, "-m", "lti_tool.cli", "housekeeping"], cwd=ROOT, timeout=120,
                          env={**os.environ, "PLCHOICE_DATA_DIR": str(data_dir), "PLCHOICE_SECRET_KEY": "x",
                               "PYTHONPATH": str(ROOT), **env}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def test_cli_deletes_only_old_unused_files_and_kept_files_still_download(make_app, platform_factory):
    app = make_app()
    platform = platform_factory(app)
    tool = app.extensions["plchoice"]
    client, config = launched(app, platform)
    headers = api_headers(config)
    views = {name: post_file(client, config, pdf(500 + n), f"{name}.pdf").json
             for n, name in enumerate(("orphan", "young", "submitted"))}
    ratings = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}
    assert client.post("/api/self_assess", json={"ratings": ratings, "comment": ""}, headers=headers).status_code == 200
    done = client.post("/api/submit", json={"text": "see", "file_ids": [views["submitted"]["file_id"]]},
                       headers=headers)
    assert done.status_code == 200, done.json
    # a second learner keeps a draft with a file
    other_client, other = launched(app, platform, sub="learner-2")
    views["drafted"] = post_file(other_client, other, pdf(700), "drafted.pdf").json
    saved = other_client.post("/api/save_draft", json={"text": "wip", "file_ids": [views["drafted"]["file_id"]]},
                              headers=api_headers(other))
    assert saved.status_code == 200, saved.json
    for name in ("orphan", "drafted", "submitted"):
        age_file(tool.sessions, views[name]["file_id"], hours=24 * 30)
    age_file(tool.sessions, views["young"]["file_id"], hours=23)
    blobs_before = len(blob_files(tool.blobs.root))

    out = housekeeping_cli(tool.settings.data_path)
    assert "1 file" in out and f"{views['orphan']['size']} bytes" in out, out
    rows = file_rows(tool.sessions)
    assert views["orphan"]["file_id"] not in rows
    assert {views["young"]["file_id"], views["submitted"]["file_id"], views["drafted"]["file_id"]} <= set(rows)
    assert len(blob_files(tool.blobs.root)) == blobs_before - 1
    assert client.get(views["orphan"]["url"]).status_code == 404
    kept = client.get(views["submitted"]["url"])
    assert kept.status_code == 200 and kept.data == pdf(502)
    assert other_client.get(views["drafted"]["url"]).data == pdf(700)
    # a second run finds nothing more to delete
    assert "0 files" in housekeeping_cli(tool.settings.data_path)


def test_the_outbox_worker_of_a_running_tool_sweeps_orphans(lms, tool):
    platform = lms("generic")
    server = tool(PLCHOICE_HOUSEKEEPING_INTERVAL="0.5")
    connect(platform, server)
    link = Browser(platform, server, "instructor-1").deep_link(default_choice_definition())
    learner = Browser(platform, server, "learner-1")
    page = learner.launch("link", link=link["id"])
    assert page.status_code == 200, learner.diagnose(page)
    assert learner.api(page.text, "choose", {"option_id": "write"}).status_code == 200
    transport = page_config(page.text)["transport"]
    headers = {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: transport["csrfToken"]}

    def send(name: str) -> dict:
        answer = learner.http.post(f"{transport['apiBase']}/upload", headers=headers, timeout=30,
                                   data={"kind": "file"}, files={"file": (name, pdf(900), "application/pdf")})
        assert answer.status_code == 200, answer.text
        return answer.json()

    orphan, kept = send("orphan.pdf"), send("kept.pdf")
    assert learner.api(page.text, "save_draft", {"text": "", "file_ids": [kept["file_id"]]}).status_code == 200
    sessions = server.sessions()
    age_file(sessions, orphan["file_id"], hours=25)
    age_file(sessions, kept["file_id"], hours=25)
    blobs = server.data_dir / "blobs"
    assert len(blob_files(blobs)) == 2
    wait_for(lambda: orphan["file_id"] not in file_rows(sessions), timeout=30, message="the worker's sweep")
    assert len(blob_files(blobs)) == 1 and kept["file_id"] in file_rows(sessions)
    assert requests.get(kept["url"], timeout=10).content == pdf(900)
    assert requests.get(orphan["url"], timeout=10).status_code == 404
