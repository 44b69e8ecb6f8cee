"""Alembic 0009 fills the calibration-distribution counters of records stored before them (SQLite)."""

from __future__ import annotations

from lti_tool.db import migrate
from lti_tool.db.session import make_engine, make_sessionmaker
from lti_tool.db.store import SqlStore
from tests.core.helpers import make_ctx, records_from_before_the_distribution_counters
from xblock_plchoice.core import analytics

BEFORE = "0006_feedback_queue"  # the revision before 0009 (records then have the queue columns)


def test_upgrade_fills_the_distribution_so_counters_agree_with_a_recount(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tool.db'}")
    migrate.upgrade(engine, BEFORE)
    records, old_counters = records_from_before_the_distribution_counters()
    other = records[0].clone()
    other.activity_key = "act-2"
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        store = SqlStore(session)
        with store.atomic():
            for record in [*records, other]:
                store.save_record(record, 0)
            store.bump_counters("act-1", old_counters)
        assert "criterion:evidence:higher" not in store.get_counters("act-1")

    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    with sessions() as session:
        store = SqlStore(session)
        counters = {k: v for k, v in store.get_counters("act-1").items() if v}
        assert counters == analytics.recompute(records)
        assert store.get_counters("act-2") == analytics.distribution_counters([other])
        evidence = next(c for c in analytics.analytics_view(make_ctx().activity, counters)["criteria"]
                        if c["id"] == "evidence")
        assert (evidence["higher"], evidence["same"], evidence["lower"], evidence["pairs"]) == (2, 0, 1, 3)
    engine.dispose()
