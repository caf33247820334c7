"""Downloads of many records made by the worker.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 03:30:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "download_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("viewer_kind", sa.String(length=20), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_download_jobs_requested_by_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_jobs")),
        sa.UniqueConstraint("token", name=op.f("uq_download_jobs_token")),
    )
    op.create_index(op.f("ix_download_jobs_created_at"), "download_jobs", ["created_at"], unique=False)
    op.create_index(
        op.f("ix_download_jobs_requested_by_id"), "download_jobs", ["requested_by_id"], unique=False
    )
    op.create_index(op.f("ix_download_jobs_status"), "download_jobs", ["status"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_download_jobs_status"), table_name="download_jobs")
    op.drop_index(op.f("ix_download_jobs_requested_by_id"), table_name="download_jobs")
    op.drop_index(op.f("ix_download_jobs_created_at"), table_name="download_jobs")
    op.drop_table("download_jobs")
