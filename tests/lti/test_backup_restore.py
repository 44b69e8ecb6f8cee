"""The README's backup and restore, run as written: the shell blocks marked ``<!-- tested: NAME -->``
are read from README.md and executed with bash against a running tool, the tool is wiped, the
restore blocks bring it back, and a learner's work, files, old download links (the secret key) and
new launches from the platform (registrations, the tool's signing keys) all survive."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from xblock_plchoice.core.activity import default_choice_definition

from .helpers.servers import PG_BIN
from .platform_fixtures import Browser, ToolServer, connect, launch_config

ROOT = Path(__file__).resolve().parents[2]
TESTED_BLOCK = re.compile(r"<!-- tested: (?P<name>[\w-]+) -->\n```bash\n(?P<script>.*?)```", re.S)
EVIDENCE = b"%PDF-1.7\n" + b"lab notes " * 300


def readme_blocks() -> dict[str, str]:
    return {m["name"]: m["script"] for m in TESTED_BLOCK.finditer((ROOT / "README.md").read_text())}


def run_block(name: str, server: ToolServer, backup: Path, **extra: str) -> None:
    """One README block in bash, with the tool's own settings, as an operator would run it."""
    path = os.pathsep.join([str(Path(sys.executable).parent), str(PG_BIN), os.environ.get("PATH", "")])
    env = {**server.env, "BACKUP": str(backup), "PATH": path, **extra}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", readme_blocks()[name]], env=env, cwd=backup,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"README block {name} failed:\n{done.stdout}\n{done.stderr}"


def learner_work(lms, server: ToolServer) -> dict:
    """An instructor's activity, and a learner who uploads a file and submits it."""
    connect(lms, server)
    link = Browser(lms, server, "instructor-1").deep_link(default_choice_definition())
    learner = Browser(lms, server, "learner-1")
    page = learner.launch("link", link=link["id"])
    assert page.status_code == 200, learner.diagnose(page)
    transport = launch_config(page.text)["transport"]
    headers = {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: transport["csrfToken"]}
    assert learner.api(page.text, "choose", {"option_id": "write"}).status_code == 200
    uploaded = learner.http.post(transport["apiBase"] + "/upload", data={"kind": "file"}, headers=headers,
                                 files={"file": ("notes.pdf", EVIDENCE, "application/pdf")}, timeout=30)
    assert uploaded.status_code == 200, uploaded.text
    file_view = uploaded.json()
    for command, payload in (("self_assess", {"ratings": {"accuracy": "meets", "clarity": "meets",
                                                          "evidence": "meets"}, "comment": "ok"}),
                             ("submit", {"text": "Chlorophyll absorbs light.", "links": [],
                                         "file_ids": [file_view["file_id"]]})):
        assert learner.api(page.text, command, payload).status_code == 200
    jwks = requests.get(server.url + "/lti/jwks", timeout=10).json()
    return {"link": link, "file_url": file_view["url"], "file_id": file_view["file_id"], "jwks": jwks}


def assert_survived(lms, server: ToolServer, before: dict) -> None:
    ready = requests.get(server.url + "/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert requests.get(server.url + "/lti/jwks", timeout=10).json() == before["jwks"]  # same signing keys
    old_link = requests.get(before["file_url"], timeout=10)  # signed before the backup: same secret key
    assert old_link.status_code == 200 and old_link.content == EVIDENCE
    learner = Browser(lms, server, "learner-1")
    page = learner.launch("link", link=before["link"]["id"])  # the platform's registration and keys
    assert page.status_code == 200, learner.diagnose(page)
    me = learner.api(page.text, "state").json()["me"]
    assert me["status"] == "submitted" and me["option_id"] == "write"
    assert before["file_id"] in str(me)
    teacher = Browser(lms, server, "instructor-1")
    staff = teacher.launch("link", link=before["link"]["id"])
    queue = teacher.api(staff.text, "queue").json()
    assert [item["learner_id"] for item in queue["items"]] == ["learner-1"]


def test_readme_backup_and_restore_with_sqlite(lms, tool, tmp_path):
    platform = lms("generic")
    server = tool(PLCHOICE_SECRET_KEY="")  # the key the tool made in its data dir must be backed up too
    before = learner_work(platform, server)
    backup = tmp_path / "backup"
    backup.mkdir()
    run_block("backup-sqlite", server, backup)  # while the tool runs

    server.stop()
    shutil.rmtree(server.data_dir)  # the disk is gone
    run_block("restore-sqlite", server, backup)
    server.start()
    assert_survived(platform, server, before)


@pytest.mark.postgres
def test_readme_backup_and_restore_with_postgresql(lms, tool, tmp_path, postgres_server):
    if not (PG_BIN / "pg_dump").exists():
        pytest.skip("pg_dump is not installed")
    platform = lms("generic")
    live = postgres_server.create_database(f"backup_live_{secrets.token_hex(4)}")
    server = tool(PLCHOICE_SECRET_KEY="", PLCHOICE_DATABASE_URL=live)
    before = learner_work(platform, server)
    backup = tmp_path / "backup"
    backup.mkdir()
    run_block("backup-postgresql", server, backup, PG_URL=live.replace("+psycopg", ""))

    server.stop()
    shutil.rmtree(server.data_dir)
    # a new, empty database: the old one is never touched again
    fresh = postgres_server.create_database(f"backup_restored_{secrets.token_hex(4)}")
    server.env["PLCHOICE_DATABASE_URL"] = fresh
    run_block("restore-postgresql", server, backup, PG_URL=fresh.replace("+psycopg", ""))
    server.start()
    assert_survived(platform, server, before)
