"""``plchoice-lti`` run as a real process against a temp data dir: init, platform add/list/remove, keys rotate,
outbox status/run (delivery itself: tests/lti/test_ags_outbox_faults.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PLCHOICE_DATA_DIR": str(tmp_path / "data"), "PLCHOICE_BASE_URL": "https://tool.example",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "lti_tool.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


ADD = ["platform", "add", "--issuer", "https://canvas.instructure.com", "--client-id", "10000000000001",
       "--auth-login-url", "https://sso.canvaslms.com/api/lti/authorize_redirect",
       "--auth-token-url", "https://sso.canvaslms.com/login/oauth2/token",
       "--key-set-url", "https://sso.canvaslms.com/api/lti/security/jwks",
       "--deployment-id", "1:abc", "--deployment-id", "2:def"]


def test_init_add_list_remove(tmp_path):
    out = run(tmp_path, "init").stdout
    assert "https://tool.example/lti/login" in out and "https://tool.example/lti/jwks" in out
    assert "Made the first key pair" in out
    assert "Keys already exist" in run(tmp_path, "init").stdout
    run(tmp_path, *ADD)
    run(tmp_path, *ADD[:-4], "--deployment-id", "3:ghi")  # same client, one more deployment
    second = ADD.copy()
    second[second.index("10000000000001")] = "10000000000002"  # Canvas: one issuer, many client ids
    run(tmp_path, *second[:-2])
    listed = json.loads(run(tmp_path, "platform", "list", "--json").stdout)
    assert [(r["client_id"], r["deployment_ids"]) for r in listed] == [
        ("10000000000001", ["1:abc", "2:def", "3:ghi"]), ("10000000000002", ["1:abc"])]
    assert "10000000000002" in run(tmp_path, "platform", "list").stdout
    run(tmp_path, "platform", "remove", "--issuer", "https://canvas.instructure.com", "--client-id", "10000000000001")
    assert [r["client_id"] for r in json.loads(run(tmp_path, "platform", "list", "--json").stdout)] == [
        "10000000000002"]
    missing = run(tmp_path, "platform", "remove", "--issuer", "x", "--client-id", "y", ok=False)
    assert missing.returncode == 1 and "No registration" in missing.stderr


def test_bad_urls_are_refused_with_a_clear_message(tmp_path):
    bad = ADD.copy()
    bad[bad.index("https://sso.canvaslms.com/api/lti/security/jwks")] = "ftp://nowhere"
    done = run(tmp_path, *bad, ok=False)
    assert done.returncode == 2 and "--key-set-url must be an absolute http(s) URL" in done.stderr
    assert json.loads(run(tmp_path, "platform", "list", "--json").stdout) == []


def test_keys_rotate_moves_next_to_current_and_keeps_previous(tmp_path):
    from lti_tool.db.session import make_engine, make_sessionmaker
    from lti_tool.lti import keys

    run(tmp_path, "init")
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'plchoice.sqlite3'}")
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        before = {k["kid"] for k in keys.jwks(session)["keys"]}
        current_before, _ = keys.current_private_key(session)
    out = run(tmp_path, "keys", "rotate").stdout
    with sessions() as session:
        after = {k["kid"] for k in keys.jwks(session)["keys"]}
        current_after, _ = keys.current_private_key(session)
    assert current_after in before and current_after != current_before and current_after in out
    assert len(before) == 2 and len(after) == 3 and before <= after  # next, current, previous
    run(tmp_path, "keys", "rotate")
    with sessions() as session:
        assert current_before not in {k["kid"] for k in keys.jwks(session)["keys"]}  # retired after two
    engine.dispose()


def test_invalid_setting_is_reported(tmp_path):
    env = {**os.environ, "PLCHOICE_DATA_DIR": str(tmp_path), "PLCHOICE_JWT_LEEWAY": "soon", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "lti_tool.cli", "init"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "PLCHOICE_JWT_LEEWAY must be a whole number" in done.stderr


def test_outbox_commands_on_a_fresh_database(tmp_path):
    """The installed console script, as an admin runs it: status and run work before anything was queued."""
    script = Path(sys.executable).parent / "plchoice-lti"
    env = {**os.environ, "PLCHOICE_DATA_DIR": str(tmp_path / "data"), "PLCHOICE_BASE_URL": "https://tool.example"}

    def outbox(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(script), "outbox", *args], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)

    status = outbox("status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines() == ["pending: 0", "delivered: 0", "dead: 0"]
    once = outbox("run", "--once")
    assert once.returncode == 0 and "delivered 0, retrying 0, dead 0" in once.stdout
    assert "--once" in outbox("run", "--help").stdout
    wrong = outbox("deliver")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    bad = subprocess.run([str(script), "outbox", "status"], env={**env, "PLCHOICE_OUTBOX_POLL": "often"},
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "PLCHOICE_OUTBOX_POLL must be a number of seconds" in bad.stderr
