"""Django migration 0005 fills the calibration-distribution counters of records stored before them."""

from importlib import import_module

from django.apps import apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tests.core.helpers import make_ctx, records_from_before_the_distribution_counters
from xblock_plchoice.blocks.store import DjangoStore
from xblock_plchoice.core import analytics


def nonzero(counters: dict) -> dict:
    return {k: v for k, v in counters.items() if v}

MIGRATION = import_module("xblock_plchoice.blocks.migrations.0005_calibration_distribution")


def test_migration_is_applied_by_migrate():
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("plchoice", "0005_calibration_distribution") in applied


def test_backfill_makes_old_counters_agree_with_a_recount_and_is_idempotent():
    records, old_counters = records_from_before_the_distribution_counters()
    store = DjangoStore()
    for record in records:
        store.save_record(record, 0)
    store.bump_counters("act-1", old_counters)
    other = records[0].clone()
    other.activity_key = "act-2"
    store.save_record(other, 0)  # a second activity, backfilled on its own
    assert "criterion:evidence:higher" not in store.get_counters("act-1")

    MIGRATION.backfill(apps, None)
    assert nonzero(store.get_counters("act-1")) == analytics.recompute(records)
    assert store.get_counters("act-2") == analytics.distribution_counters([other])
    MIGRATION.backfill(apps, None)  # set, not added: a second run changes nothing
    assert nonzero(store.get_counters("act-1")) == analytics.recompute(records)
    view = analytics.analytics_view(make_ctx().activity, store.get_counters("act-1"))
    evidence = next(c for c in view["criteria"] if c["id"] == "evidence")
    assert (evidence["higher"], evidence["same"], evidence["lower"], evidence["pairs"]) == (2, 0, 1, 3)
