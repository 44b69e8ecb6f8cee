"""Alembic 0007: reflections written before it get their activity and share flag from the stored JSON,
so staff's list of shared reflections includes them (and still leaves out the private ones)."""

from __future__ import annotations

import json

from sqlalchemy import text

from lti_tool.db import migrate
from lti_tool.db.session import make_engine, make_sessionmaker
from lti_tool.db.store import SqlStore


def test_existing_reflections_are_listed_after_the_upgrade(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tool.db'}")
    migrate.upgrade(engine, "0005_file_housekeeping")
    rows = [("r1", True, "2026-01-01T00:00:01"), ("r2", False, "2026-01-01T00:00:02"),
            ("r3", True, "2026-01-01T00:00:03")]
    with engine.begin() as connection:
        for entry_id, shared, at in rows:
            data = {"id": entry_id, "course_key": "c", "activity_key": "act-1", "learner_id": entry_id,
                    "phase": "before", "answers": {"goal": entry_id}, "share_with_staff": shared, "at": at}
            connection.execute(text("INSERT INTO plc_reflection (id, learner_id, course_key, at, data) "
                                    "VALUES (:id, :learner, 'c', :at, :data)"),
                               {"id": entry_id, "learner": entry_id, "at": at, "data": json.dumps(data)})
    migrate.upgrade(engine)
    session = make_sessionmaker(engine)()
    try:
        entries, total = SqlStore(session).list_shared_reflections("act-1", offset=0, limit=10)
    finally:
        session.close()
        engine.dispose()
    assert total == 2 and [e["id"] for e in entries] == ["r3", "r1"]
