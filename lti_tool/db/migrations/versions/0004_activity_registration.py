"""The registration that owns each activity (a custom activity_id opens only its own registration's).

Existing rows keep ``registration_id`` NULL: they open only in their own course (``course_key``).

Revision ID: 0004_activity_registration
Revises: 0002
Create Date: 2026-11-30 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_activity_registration'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plc_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_plc_activity_registration_id', ['registration_id'], unique=False)
        batch_op.create_foreign_key('fk_activity_registration', 'lti_registration', ['registration_id'], ['id'],
                                    ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('plc_activity', schema=None) as batch_op:
        batch_op.drop_constraint('fk_activity_registration', type_='foreignkey')
        batch_op.drop_index('ix_plc_activity_registration_id')
        batch_op.drop_column('registration_id')
