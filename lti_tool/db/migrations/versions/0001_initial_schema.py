"""Initial schema: registrations, keys, launch values, activities and learner work.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 22:10:23.593532
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lti_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('public_jwk_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kid')
    )
    with op.batch_alter_table('lti_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_key_status'), ['status'], unique=False)

    op.create_table('lti_launch_value',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('lti_launch_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_launch_value_expires_at'), ['expires_at'], unique=False)

    op.create_table('lti_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('auth_login_url', sa.String(length=1024), nullable=False),
    sa.Column('auth_token_url', sa.String(length=1024), nullable=False),
    sa.Column('key_set_url', sa.String(length=1024), nullable=False),
    sa.Column('audience', sa.String(length=1024), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('issuer', 'client_id', name='uq_registration_issuer_client')
    )
    op.create_table('plc_activity',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('course_key', sa.String(length=512), nullable=False),
    sa.Column('definition_json', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plc_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plc_activity_course_key'), ['course_key'], unique=False)

    op.create_table('plc_counter',
    sa.Column('activity_key', sa.String(length=512), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('activity_key', 'name')
    )
    op.create_table('plc_file',
    sa.Column('file_id', sa.String(length=64), nullable=False),
    sa.Column('learner_id', sa.String(length=255), nullable=False),
    sa.Column('course_key', sa.String(length=512), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('file_id')
    )
    with op.batch_alter_table('plc_file', schema=None) as batch_op:
        batch_op.create_index('ix_file_learner', ['learner_id', 'course_key'], unique=False)

    op.create_table('plc_learner_record',
    sa.Column('activity_key', sa.String(length=512), nullable=False),
    sa.Column('learner_id', sa.String(length=255), nullable=False),
    sa.Column('course_key', sa.String(length=512), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('option_id', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', sa.String(length=40), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('activity_key', 'learner_id')
    )
    with op.batch_alter_table('plc_learner_record', schema=None) as batch_op:
        batch_op.create_index('ix_record_learner', ['learner_id', 'course_key'], unique=False)
        batch_op.create_index('ix_record_queue', ['activity_key', 'status', 'option_id', 'submitted_at'], unique=False)
        batch_op.create_index('ix_record_queue_sorted', ['activity_key', 'submitted_at', 'learner_id'], unique=False)

    op.create_table('plc_profile',
    sa.Column('course_key', sa.String(length=512), nullable=False),
    sa.Column('learner_id', sa.String(length=255), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('course_key', 'learner_id')
    )
    with op.batch_alter_table('plc_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plc_profile_learner_id'), ['learner_id'], unique=False)

    op.create_table('plc_reflection',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('learner_id', sa.String(length=255), nullable=False),
    sa.Column('course_key', sa.String(length=512), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plc_reflection', schema=None) as batch_op:
        batch_op.create_index('ix_reflection_learner', ['learner_id', 'course_key', 'at'], unique=False)

    op.create_table('lti_deployment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['lti_registration.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('registration_id', 'deployment_id', name='uq_deployment')
    )
    op.create_table('plc_resource_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('activity_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['plc_activity.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['lti_registration.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('registration_id', 'deployment_id', 'resource_link_id', name='uq_resource_link')
    )


def downgrade() -> None:
    op.drop_table('plc_resource_link')
    op.drop_table('lti_deployment')
    with op.batch_alter_table('plc_reflection', schema=None) as batch_op:
        batch_op.drop_index('ix_reflection_learner')

    op.drop_table('plc_reflection')
    with op.batch_alter_table('plc_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plc_profile_learner_id'))

    op.drop_table('plc_profile')
    with op.batch_alter_table('plc_learner_record', schema=None) as batch_op:
        batch_op.drop_index('ix_record_queue_sorted')
        batch_op.drop_index('ix_record_queue')
        batch_op.drop_index('ix_record_learner')

    op.drop_table('plc_learner_record')
    with op.batch_alter_table('plc_file', schema=None) as batch_op:
        batch_op.drop_index('ix_file_learner')

    op.drop_table('plc_file')
    op.drop_table('plc_counter')
    with op.batch_alter_table('plc_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plc_activity_course_key'))

    op.drop_table('plc_activity')
    op.drop_table('lti_registration')
    with op.batch_alter_table('lti_launch_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_launch_value_expires_at'))

    op.drop_table('lti_launch_value')
    with op.batch_alter_table('lti_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_key_status'))

    op.drop_table('lti_key')
