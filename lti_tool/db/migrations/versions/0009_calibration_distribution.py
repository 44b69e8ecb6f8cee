"""Fill the calibration-distribution counters (issue 10) from records stored before they existed.

Counters are free-form rows, so there is no schema change: for each activity this sets
``criterion:<id>:{self,staff}:<level>`` and ``criterion:<id>:{higher,same,lower}`` to what
``core.analytics.distribution_counters`` computes from its records (set, not added, so running it on
data that already has them changes nothing). Records are read in keyset batches: flat memory.

Revision ID: 0009_calibration_distribution
Revises: 0006_feedback_queue
Create Date: 2026-12-04 19:30:00
"""
from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision = '0009_calibration_distribution'
down_revision = '0006_feedback_queue'
branch_labels = None
depends_on = None

BATCH = 500

records = sa.table('plc_learner_record', sa.column('activity_key', sa.String), sa.column('learner_id', sa.String),
                   sa.column('data', sa.JSON))
counters = sa.table('plc_counter', sa.column('activity_key', sa.String), sa.column('name', sa.String),
                    sa.column('value', sa.Float))


def _records(connection):
    from xblock_plchoice.core.store import LearnerRecord

    last = ('', '')
    while True:
        after = sa.or_(records.c.activity_key > last[0],
                       sa.and_(records.c.activity_key == last[0], records.c.learner_id > last[1]))
        rows = connection.execute(sa.select(records.c.activity_key, records.c.learner_id, records.c.data)
                                  .where(after).order_by(records.c.activity_key, records.c.learner_id)
                                  .limit(BATCH)).all()
        for activity_key, _learner_id, data in rows:
            yield activity_key, LearnerRecord.from_dict(data or {})
        if len(rows) < BATCH:
            return
        last = (rows[-1][0], rows[-1][1])


def upgrade() -> None:
    from xblock_plchoice.core.analytics import distribution_counters

    connection = op.get_bind()
    for activity_key, group in groupby(_records(connection), key=lambda pair: pair[0]):
        totals = distribution_counters(record for _, record in group)  # summed as they stream
        if not totals:
            continue
        connection.execute(sa.delete(counters).where(counters.c.activity_key == activity_key,
                                                     counters.c.name.in_(list(totals))))
        connection.execute(sa.insert(counters), [{'activity_key': activity_key, 'name': name, 'value': value}
                                                 for name, value in totals.items()])


def downgrade() -> None:
    """The counters stay: older code never reads them, and they remain true."""
