"""Issue 9: the grading queue's sort and filter columns (name, claim, unread replies) and the comment bank.

Revision ID: 0006_feedback_queue
Revises: 0005_file_housekeeping
Create Date: 2026-12-04 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_feedback_queue'
down_revision = '0005_file_housekeeping'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table('plc_learner_record') as batch:
        batch.add_column(sa.Column('sort_name', sa.String(length=255), nullable=False, server_default=''))
        batch.add_column(sa.Column('claimed_by', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('has_unread', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Existing records sort by name too (keyset batches, flat memory); none had claims or replies yet.
    records = sa.table('plc_learner_record', sa.column('activity_key', sa.String),
                       sa.column('learner_id', sa.String), sa.column('data', sa.JSON),
                       sa.column('sort_name', sa.String))
    connection = op.get_bind()
    after = ('', '')
    while True:
        rows = connection.execute(
            sa.select(records.c.activity_key, records.c.learner_id, records.c.data)
            .where(sa.tuple_(records.c.activity_key, records.c.learner_id) > sa.tuple_(*after))
            .order_by(records.c.activity_key, records.c.learner_id).limit(BATCH)).all()
        for activity_key, learner_id, data in rows:
            name = ((data or {}).get('display_name') or '').casefold()[:255]
            if name:
                connection.execute(sa.update(records).where(records.c.activity_key == activity_key,
                                                            records.c.learner_id == learner_id)
                                   .values(sort_name=name))
        if len(rows) < BATCH:
            break
        after = (rows[-1][0], rows[-1][1])
    op.create_index('ix_record_name', 'plc_learner_record', ['activity_key', 'sort_name', 'learner_id'])
    op.create_index('ix_record_claim', 'plc_learner_record', ['activity_key', 'claimed_by', 'submitted_at',
                                                              'learner_id'])
    op.create_index('ix_record_unread', 'plc_learner_record', ['activity_key', 'has_unread', 'submitted_at',
                                                               'learner_id'])
    op.create_table(
        'plc_bank_comment',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('course_key', sa.String(length=512), nullable=False),
        sa.Column('at', sa.String(length=40), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
    )
    op.create_index('ix_bank_course', 'plc_bank_comment', ['course_key', 'at'])


def downgrade() -> None:
    op.drop_index('ix_bank_course', table_name='plc_bank_comment')
    op.drop_table('plc_bank_comment')
    for name in ('ix_record_unread', 'ix_record_claim', 'ix_record_name'):
        op.drop_index(name, table_name='plc_learner_record')
    with op.batch_alter_table('plc_learner_record') as batch:
        batch.drop_column('has_unread')
        batch.drop_column('claimed_by')
        batch.drop_column('sort_name')
