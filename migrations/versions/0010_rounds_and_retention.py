"""Round administration and data retention: outbox rows remember when their bodies were removed

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_removed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('body_kept_days', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_column('body_kept_days')
        batch_op.drop_column('body_removed_at')
