"""Evidence on S3-compatible storage, against moto's real S3 API server over HTTP on loopback.

The BlobStore contract for both stores; a large upload through the running tool is a multipart upload and
its memory stays flat; the real demo platform and tool for upload, download (streamed or redirected to a
presigned URL) and "delete my data"; ``plchoice-lti blobs migrate`` copying a data dir, verified and resumable.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from lti_tool.blobs import make_blob_store
from lti_tool.blobs.files import FileBlobStore
from lti_tool.blobs.s3 import PART_SIZE, S3BlobStore
from lti_tool.config import ConfigError, load_settings
from xblock_plchoice.core.errors import FileTooLarge, NotFound

from .helpers.s3 import MIB, aws_env, file_url, launched_learner, media_payload, reset_peak_rss, status_kib, upload
from .platform_fixtures import ROOT, Browser, launch_config

pytestmark = pytest.mark.s3


# --- the BlobStore contract, for the data dir and for S3 -------------------------------------------------
@pytest.fixture(params=["file", "s3"])
def store_and_leftovers(request, tmp_path):
    """A store and a function listing everything it holds (objects, and unfinished multipart uploads)."""
    if request.param == "file":
        store = FileBlobStore(tmp_path / "blobs")
        return store, lambda: sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file())
    bucket = request.getfixturevalue("s3_bucket")
    store = make_blob_store(load_settings({"DATA_DIR": str(tmp_path), "BLOB_URL": bucket.url}))
    assert isinstance(store, S3BlobStore)
    return store, lambda: bucket.keys() + [u["Key"] for u in bucket.pending_uploads()]


def chunks_of(payload: bytes, size: int = 64 * 1024):
    for start in range(0, len(payload), size):
        yield payload[start:start + size]


def test_save_open_delete_round_trip(store_and_leftovers):
    store, leftovers = store_and_leftovers
    payload = media_payload(300 * 1024)
    path = store.save("../../../etc/evil name.mp4", chunks_of(payload))
    assert ".." not in path and "evil" not in path and path.endswith(".mp4")
    with store.open(path) as stream:
        assert stream.read(10) == payload[:10]
        assert stream.read() == payload[10:]
    other = store.save("same.mp4", iter([b"two"]))
    assert other != path and len(leftovers()) == 2
    store.delete(path)
    with pytest.raises(NotFound):
        store.open(path)
    store.delete(path)  # deleting twice is not an error
    assert len(leftovers()) == 1
    assert store.ping() is True


@pytest.mark.parametrize("fail_after", [64 * 1024, PART_SIZE + 3 * MIB], ids=["small", "after-a-part"])
def test_a_save_that_raises_mid_stream_leaves_nothing(store_and_leftovers, fail_after):
    store, leftovers = store_and_leftovers

    def too_big():
        sent = 0
        for chunk in chunks_of(media_payload(fail_after + MIB), 1024 * 1024):
            if sent >= fail_after:
                raise FileTooLarge(limit="1 MB", kind="video")
            sent += len(chunk)
            yield chunk

    with pytest.raises(FileTooLarge):
        store.save("big.mp4", too_big())
    assert leftovers() == []


def test_paths_outside_the_store_are_not_found(store_and_leftovers):
    store, _ = store_and_leftovers
    for path in ("../../etc/passwd", "/etc/passwd", "", "ab/nothing-here.pdf"):
        with pytest.raises(NotFound):
            store.open(path)


def test_file_store_has_no_presigned_urls(tmp_path):
    assert FileBlobStore(tmp_path).presigned_url("ab/x.pdf", "x.pdf", "application/pdf") is None


def test_large_save_is_multipart_and_small_is_one_put(s3_bucket, tmp_path):
    store = make_blob_store(load_settings({"DATA_DIR": str(tmp_path), "BLOB_URL": s3_bucket.url}))
    payload = media_payload(2 * PART_SIZE + 5 * MIB)
    big = store.save("v.mp4", chunks_of(payload, 1024 * 1024))
    small = store.save("s.mp4", iter([b"small"]))
    head = s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=f"{s3_bucket.prefix}/{big}")
    assert head["ETag"].strip('"').endswith("-3"), head["ETag"]  # three parts
    assert head["ContentLength"] == len(payload)
    assert "-" not in s3_bucket.client.head_object(Bucket=s3_bucket.name,
                                                   Key=f"{s3_bucket.prefix}/{small}")["ETag"]
    assert s3_bucket.read(f"{s3_bucket.prefix}/{big}") == payload


def test_blob_url_is_checked(tmp_path):
    assert isinstance(make_blob_store(load_settings({"DATA_DIR": str(tmp_path)})), FileBlobStore)
    chosen = make_blob_store(load_settings({"DATA_DIR": str(tmp_path), "BLOB_URL": f"file://{tmp_path}/else"}))
    assert isinstance(chosen, FileBlobStore) and chosen.root == (tmp_path / "else").resolve()
    for bad in ("ftp://host/x", "s3://", "s3:///prefix", "bucket/prefix", "s3://Bad_Bucket!/x"):
        with pytest.raises(ConfigError, match="PLCHOICE_BLOB_URL"):
            make_blob_store(load_settings({"DATA_DIR": str(tmp_path), "BLOB_URL": bad}))
    with pytest.raises(ConfigError, match="PLCHOICE_BLOB_REDIRECT"):
        load_settings({"BLOB_REDIRECT": "sometimes"})


def test_ping_reports_an_unreachable_store(tmp_path, monkeypatch):
    from .helpers.servers import free_port

    for name, value in aws_env(f"http://127.0.0.1:{free_port()}").items():  # nothing listens there
        monkeypatch.setenv(name, value)
    store = make_blob_store(load_settings({"DATA_DIR": str(tmp_path), "BLOB_URL": "s3://nowhere/x"}))
    with pytest.raises(OSError, match="nowhere"):
        store.ping()


# --- the real tool and the demo platform -------------------------------------------------------------------
def test_large_upload_through_the_tool_is_multipart_and_memory_stays_flat(lms, tool, s3_bucket):
    server, _platform, _link, learner, page = launched_learner(lms, tool, **s3_bucket.env)
    upload(learner, page, 9 * MIB)  # warm up: the first multipart upload loads what boto3 loads lazily
    pid = server.process.pid
    reset_peak_rss(pid)
    before = status_kib(pid, "VmRSS")
    size = 30 * MIB
    view = upload(learner, page, size)
    growth_mib = (status_kib(pid, "VmHWM") - before) / 1024
    assert view["size"] == size
    assert growth_mib < 15, f"peak RSS grew {growth_mib:.1f} MiB for a {size // MIB} MiB upload"
    keys = s3_bucket.keys()
    assert len(keys) == 2 and all(k.startswith(s3_bucket.prefix + "/") for k in keys)
    big = max(keys, key=lambda k: s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=k)["ContentLength"])
    assert s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=big)["ETag"].strip('"').endswith("-4")
    assert s3_bucket.pending_uploads() == []
    assert not any(p.is_file() for p in (server.data_dir / "blobs").rglob("*"))  # nothing went to the data dir


def test_evidence_round_trip_with_permissions(lms, tool, s3_bucket):
    server, platform, link, learner, page = launched_learner(lms, tool, **s3_bucket.env)
    view = upload(learner, page, 2 * MIB + 17)
    payload = media_payload(2 * MIB + 17)
    mine = learner.http.get(view["url"], timeout=30)
    assert mine.status_code == 200 and mine.content == payload
    assert mine.headers["Content-Type"] == "video/mp4" and mine.headers["Cache-Control"] == "private, no-store"

    staff = Browser(platform, server, "instructor-1")
    staff_page = staff.launch("link", link=link["id"]).text
    seen = requests.get(file_url(staff_page, view["file_id"]), timeout=30)
    assert seen.status_code == 200 and seen.content == payload

    other = Browser(platform, server, "learner-2")
    other_page = other.launch("link", link=link["id"]).text
    refused = requests.get(file_url(other_page, view["file_id"]), timeout=30)
    assert refused.status_code == 404 and payload[:64] not in refused.content
    assert requests.get(view["url"].split("&sig=")[0], timeout=30).status_code == 403


def test_redirect_to_a_presigned_url_only_after_the_permission_check(lms, tool, s3_bucket):
    server, platform, link, learner, page = launched_learner(lms, tool, PLCHOICE_BLOB_REDIRECT="1", **s3_bucket.env)
    view = upload(learner, page, MIB)
    answer = requests.get(view["url"], allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:300]
    assert answer.headers["Cache-Control"] == "no-store"
    location = answer.headers["Location"]
    assert location.startswith(s3_bucket.endpoint + "/")
    query = parse_qs(urlsplit(location).query)
    assert 0 < int(query["X-Amz-Expires"][0]) <= 300
    fetched = requests.get(location, timeout=30)
    assert fetched.status_code == 200 and fetched.content == media_payload(MIB)
    assert fetched.headers["Content-Type"] == "video/mp4"
    assert fetched.headers["Content-Disposition"] == "inline; filename*=UTF-8''talk.mp4"

    other = Browser(platform, server, "learner-2")
    other_page = other.launch("link", link=link["id"]).text
    refused = requests.get(file_url(other_page, view["file_id"]), allow_redirects=False, timeout=30)
    assert refused.status_code == 404 and "Location" not in refused.headers
    unsigned = requests.get(view["url"].split("&sig=")[0], allow_redirects=False, timeout=30)
    assert unsigned.status_code == 403 and "Location" not in unsigned.headers


def test_delete_my_data_removes_the_objects(lms, tool, s3_bucket):
    _server, _platform, _link, learner, page = launched_learner(lms, tool, **s3_bucket.env)
    first, second = upload(learner, page, 300 * 1024), upload(learner, page, 9 * MIB)
    assert len(s3_bucket.keys()) == 2
    deleted = learner.api(page, "my_data", {"action": "delete"})
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["deleted"]["files"] == 2
    assert s3_bucket.keys() == [] and s3_bucket.pending_uploads() == []
    assert requests.get(first["url"], timeout=30).status_code == 404
    assert requests.get(second["url"], timeout=30).status_code == 404


def test_an_unreachable_bucket_is_a_503_and_stores_nothing(lms, tool, s3_bucket):
    from .helpers.servers import free_port

    env = {**s3_bucket.env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}  # nothing listens there
    server, _platform, _link, learner, page = launched_learner(lms, tool, **env)
    transport = launch_config(page)["transport"]
    headers = {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: transport["csrfToken"]}
    answer = learner.http.post(f"{transport['apiBase']}/upload", headers=headers, timeout=120,
                               data={"kind": "video"}, files={"file": ("talk.mp4", media_payload(64 * 1024))})
    assert answer.status_code == 503, answer.text[:300]
    assert answer.json()["error"] == "storage_unavailable"
    state = learner.api(page, "state").json()
    assert state["me"]["draft"] is None or state["me"]["draft"]["files"] == []
    with server.sessions()() as session:
        from sqlalchemy import func, select

        from lti_tool.db.models import FileMetaRow

        assert session.scalar(select(func.count()).select_from(FileMetaRow)) == 0


# --- plchoice-lti blobs migrate ------------------------------------------------------------------------------
SUMMARY = re.compile(r"(\d+) copied, (\d+) already there")


def summary(output: str) -> tuple[int, int]:
    match = SUMMARY.search(output)
    assert match, output
    return int(match.group(1)), int(match.group(2))


def test_migrate_copies_verifies_and_the_tool_then_serves_old_files_from_s3(lms, tool, s3_bucket):
    server, _platform, _link, learner, page = launched_learner(lms, tool)  # data dir store
    sizes = (1000, 300 * 1024, PART_SIZE + MIB)
    views = [upload(learner, page, size) for size in sizes]
    assert s3_bucket.keys() == []

    dry = server.cli("blobs", "migrate", "--to", s3_bucket.url, "--dry-run")
    assert "would copy 3," in dry and s3_bucket.keys() == []
    first = server.cli("blobs", "migrate", "--to", s3_bucket.url)
    assert summary(first) == (3, 0), first
    assert "sha256" in first.lower()
    blobs = server.data_dir / "blobs"
    for path in (p for p in blobs.rglob("*") if p.is_file()):
        key = f"{s3_bucket.prefix}/{path.relative_to(blobs)}"
        assert s3_bucket.read(key) == path.read_bytes()
    again = server.cli("blobs", "migrate", "--to", s3_bucket.url)
    assert summary(again) == (0, 3), again

    shutil.rmtree(blobs)  # from now on the bytes exist only in the bucket
    server.env["PLCHOICE_BLOB_URL"] = s3_bucket.url
    server.restart()
    for view, size in zip(views, sizes, strict=True):
        served = requests.get(view["url"], timeout=60)
        assert served.status_code == 200 and served.content == media_payload(size)


def test_migrate_replaces_an_object_whose_checksum_differs(tmp_path, s3_bucket):
    store = FileBlobStore(tmp_path / "data" / "blobs")
    path = store.save("a.pdf", iter([b"%PDF-1.7 the real bytes"]))
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=f"{s3_bucket.prefix}/{path}", Body=b"stale")
    output = run_migrate(tmp_path / "data", s3_bucket.url)
    assert summary(output) == (1, 0)
    assert s3_bucket.read(f"{s3_bucket.prefix}/{path}") == b"%PDF-1.7 the real bytes"


def run_migrate(data_dir: Path, url: str) -> str:
    done = subprocess.run([sys.executable, "-m", "lti_tool.cli", "blobs", "migrate", "--to", url],
                          env=migrate_env(data_dir), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def migrate_env(data_dir: Path) -> dict[str, str]:
    import os

    return {**os.environ, "PLCHOICE_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def test_an_interrupted_migration_resumes(tmp_path, s3_bucket):
    data_dir = tmp_path / "data"
    store = FileBlobStore(data_dir / "blobs")
    count = 40
    for number in range(count):
        store.save(f"{number}.mp4", iter([media_payload(256 * 1024 + number)]))
    process = subprocess.Popen([sys.executable, "-m", "lti_tool.cli", "blobs", "migrate", "--to", s3_bucket.url],
                               env=migrate_env(data_dir), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    copied_lines = 0
    assert process.stdout is not None
    for line in process.stdout:
        copied_lines += line.startswith("copied ")
        if copied_lines == 3:
            process.send_signal(signal.SIGKILL)  # as a crash or a power cut: no cleanup
            break
    process.wait(timeout=30)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    present = len(s3_bucket.keys())
    assert 3 <= present < count

    output = run_migrate(data_dir, s3_bucket.url)
    copied, skipped = summary(output)
    assert skipped == present and copied == count - present
    assert len(s3_bucket.keys()) == count
    assert summary(run_migrate(data_dir, s3_bucket.url)) == (0, count)


def test_migrate_refuses_a_url_that_is_not_s3(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lti_tool.cli", "blobs", "migrate", "--to", "ftp://x/y"],
                          env=migrate_env(tmp_path / "data"), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "s3://" in done.stderr, done.stderr


def test_redirect_setting_with_the_data_dir_still_streams(make_app, platform_factory):
    import io

    from .conftest import api_headers
    from .test_security_api import launched

    app = make_app(BLOB_REDIRECT=True)
    client, config = launched(app, platform_factory(app))
    headers = api_headers(config)
    assert client.post("/api/choose", json={"option_id": "write"}, headers=headers).status_code == 200
    view = client.post("/api/upload", data={"kind": "file", "file": (io.BytesIO(b"%PDF-1.7 mine"), "m.pdf")},
                       headers=headers, content_type="multipart/form-data").json
    download = app.test_client().get(view["url"])
    assert download.status_code == 200 and download.data == b"%PDF-1.7 mine" and "Location" not in download.headers
