"""History imports: organisations' other names (aliases and former names) for matching what people typed; each
imported project's response number and the cells of its row as given; the administrator's decisions on a
checked import (rows to skip, organisations chosen or kept as given, duplicates).

Columns are added, never a table recreated, so no trigger of migration 0012 is dropped on SQLite.

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-07 00:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "organisations", sa.Column("aliases", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )
    op.add_column("imported_projects", sa.Column("row_number", sa.Integer(), nullable=True))
    op.add_column("imported_projects", sa.Column("cells", sa.JSON(), nullable=True))
    op.add_column("imports", sa.Column("decisions", sa.JSON(), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35 and newer): a batch operation would recreate organisations, which other
    # tables refer to, and drop migration 0012's triggers.
    op.drop_column("imports", "decisions")
    op.drop_column("imported_projects", "cells")
    op.drop_column("imported_projects", "row_number")
    op.drop_column("organisations", "aliases")
