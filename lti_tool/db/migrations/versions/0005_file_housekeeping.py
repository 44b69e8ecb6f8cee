"""Evidence files: an indexed upload time, so the housekeeping sweep finds old files without a scan.

Revision ID: 0005_file_housekeeping
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_file_housekeeping'
down_revision = '0002'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table('plc_file') as batch:
        batch.add_column(sa.Column('created_at', sa.String(length=40), nullable=True))
    # Existing files: copy the upload time the JSON already holds (keyset batches, flat memory).
    files = sa.table('plc_file', sa.column('file_id', sa.String), sa.column('data', sa.JSON),
                     sa.column('created_at', sa.String))
    connection = op.get_bind()
    after = ''
    while True:
        rows = connection.execute(sa.select(files.c.file_id, files.c.data).where(files.c.file_id > after)
                                  .order_by(files.c.file_id).limit(BATCH)).all()
        for file_id, data in rows:
            connection.execute(sa.update(files).where(files.c.file_id == file_id)
                               .values(created_at=(data or {}).get('at') or ''))
        if len(rows) < BATCH:
            break
        after = rows[-1][0]
    op.create_index('ix_file_created', 'plc_file', ['created_at', 'file_id'])


def downgrade() -> None:
    op.drop_index('ix_file_created', table_name='plc_file')
    with op.batch_alter_table('plc_file') as batch:
        batch.drop_column('created_at')
