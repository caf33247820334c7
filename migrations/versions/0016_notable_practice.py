"""Notable practice: projects a reviewer chose to feature in the overview, with their themes and why.

Revision ID: 0016
Revises: 0018
Create Date: 2026-12-07 00:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notable_practices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("chosen_by_id", sa.Integer(), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_notable_practices_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["chosen_by_id"], ["users.id"], name=op.f("fk_notable_practices_chosen_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notable_practices")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_notable_practices_submission_id")),
    )


def downgrade():
    op.drop_table("notable_practices")
