"""Organisation and user administration

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 09:00:00

The audit log page filters by person, action, organisation or subject and shows the newest events first:
each single-column index on those is replaced by one that also covers the order. The users of an
organisation are counted and listed by organisation.
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action')
        batch_op.drop_index('ix_audit_events_actor_id')
        batch_op.drop_index('ix_audit_events_organisation_id')
        batch_op.create_index('ix_audit_events_actor_time', ['actor_id', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_action_time', ['action', 'occurred_at', 'id'], unique=False)
        batch_op.create_index(
            'ix_audit_events_organisation_time', ['organisation_id', 'occurred_at', 'id'], unique=False
        )
        batch_op.create_index(
            'ix_audit_events_subject_time', ['subject_type', 'subject_id', 'occurred_at', 'id'], unique=False
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_subject_time')
        batch_op.drop_index('ix_audit_events_organisation_time')
        batch_op.drop_index('ix_audit_events_action_time')
        batch_op.drop_index('ix_audit_events_actor_time')
        batch_op.create_index('ix_audit_events_organisation_id', ['organisation_id'], unique=False)
        batch_op.create_index('ix_audit_events_actor_id', ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_events_action', ['action'], unique=False)
