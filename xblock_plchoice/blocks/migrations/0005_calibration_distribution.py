"""Fill the calibration-distribution counters (issue 10) from records stored before they existed.

Counters are free-form rows, so there is no schema change: for each activity this sets
``criterion:<id>:{self,staff}:<level>`` and ``criterion:<id>:{higher,same,lower}`` to what
``core.analytics.distribution_counters`` computes from its records (set, not added, so running it
on data that already has them changes nothing). Records are read in keyset batches: flat memory.
"""

from itertools import groupby

from django.db import migrations
from django.db.models import Q

BATCH = 500


def _records(LearnerRecordRow):
    from xblock_plchoice.core.store import LearnerRecord

    last = ("", "")
    while True:
        after = Q(activity_key__gt=last[0]) | Q(activity_key=last[0], learner_id__gt=last[1])
        rows = list(LearnerRecordRow.objects.filter(after).order_by("activity_key", "learner_id")
                    .values_list("activity_key", "learner_id", "data")[:BATCH])
        for activity_key, _learner_id, data in rows:
            yield activity_key, LearnerRecord.from_dict(data)
        if len(rows) < BATCH:
            return
        last = (rows[-1][0], rows[-1][1])


def backfill(apps, schema_editor):
    from xblock_plchoice.core.analytics import distribution_counters

    LearnerRecordRow = apps.get_model("plchoice", "LearnerRecordRow")
    CounterRow = apps.get_model("plchoice", "CounterRow")

    for activity_key, group in groupby(_records(LearnerRecordRow), key=lambda pair: pair[0]):
        totals = distribution_counters(record for _, record in group)  # summed as they stream
        for name, value in totals.items():
            CounterRow.objects.update_or_create(activity_key=activity_key, name=name, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [("plchoice", "0002_feedback_queue")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
