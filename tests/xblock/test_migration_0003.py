"""Django 0003: reflections stored before it get their activity and share flag from the JSON, so the
staff list of shared reflections includes them. Runs the real migrations on a fresh SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "tests" / "browser" / "workbench_main.py"


def _manage(tmp_path: Path, *args: str) -> None:
    env = {**os.environ, "PLCHOICE_VAR_DIR": str(tmp_path), "PLCHOICE_WORKBENCH_DB": str(tmp_path / "wb.db"),
           "DJANGO_SETTINGS_MODULE": "xblock_plchoice.workbench.settings", "PYTHONPATH": str(ROOT),
           "PYTHONWARNINGS": "ignore"}
    subprocess.run([sys.executable, str(MAIN), *args], cwd=ROOT, env=env, check=True, timeout=300,
                   stdout=subprocess.DEVNULL)


def test_existing_reflections_get_their_activity_and_share_flag(tmp_path):
    _manage(tmp_path, "migrate", "-v", "0")
    _manage(tmp_path, "migrate", "plchoice", "0001_initial", "-v", "0")
    with sqlite3.connect(tmp_path / "wb.db") as db:
        for entry_id, shared in (("r1", True), ("r2", False)):
            data = {"id": entry_id, "activity_key": "act-1", "share_with_staff": shared, "answers": {"goal": "x"}}
            db.execute("INSERT INTO plchoice_reflectionrow (entry_id, course_key, learner_id, at, data) "
                       "VALUES (?, 'c', ?, '2026-01-01', ?)", (entry_id, entry_id, json.dumps(data)))
    _manage(tmp_path, "migrate", "-v", "0")
    with sqlite3.connect(tmp_path / "wb.db") as db:
        query = "SELECT entry_id, activity_key, shared FROM plchoice_reflectionrow ORDER BY entry_id"
        rows = db.execute(query).fetchall()
    assert rows == [("r1", "act-1", 1), ("r2", "act-1", 0)]
