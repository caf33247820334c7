"""The worker's last pass on each machine, for /health.

Revision ID: 0018
Revises: 0019
Create Date: 2026-12-07 00:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_passes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_jobs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_passes")),
        sa.UniqueConstraint("host", name=op.f("uq_worker_passes_host")),
    )


def downgrade():
    op.drop_table("worker_passes")
