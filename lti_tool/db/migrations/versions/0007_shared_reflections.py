"""Reflections: the activity and the share flag as indexed columns, for staff's list of shared reflections.

Revision ID: 0007_shared_reflections
Revises: 0009_calibration_distribution
Create Date: 2026-12-04 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_shared_reflections'
down_revision = '0009_calibration_distribution'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table('plc_reflection') as batch:
        batch.add_column(sa.Column('activity_key', sa.String(length=512), nullable=False, server_default=''))
        batch.add_column(sa.Column('shared', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Existing entries: copy what the JSON already holds (keyset batches, flat memory).
    rows_table = sa.table('plc_reflection', sa.column('id', sa.String), sa.column('data', sa.JSON),
                          sa.column('activity_key', sa.String), sa.column('shared', sa.Boolean))
    connection = op.get_bind()
    after = ''
    while True:
        rows = connection.execute(sa.select(rows_table.c.id, rows_table.c.data).where(rows_table.c.id > after)
                                  .order_by(rows_table.c.id).limit(BATCH)).all()
        for entry_id, data in rows:
            data = data or {}
            connection.execute(sa.update(rows_table).where(rows_table.c.id == entry_id).values(
                activity_key=data.get('activity_key') or '', shared=bool(data.get('share_with_staff'))))
        if len(rows) < BATCH:
            break
        after = rows[-1][0]
    op.create_index('ix_reflection_shared', 'plc_reflection', ['activity_key', 'shared', 'at'])


def downgrade() -> None:
    op.drop_index('ix_reflection_shared', table_name='plc_reflection')
    with op.batch_alter_table('plc_reflection') as batch:
        batch.drop_column('shared')
        batch.drop_column('activity_key')
