"""Feedback sent from the help pages; Find's new filters (area covered, pilot, partner organisation) indexed
for the records already published

Revision ID: 0015
Revises: 0018
Create Date: 2026-12-07 00:50:00

"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.String(length=254), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("page", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_feedback_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_created_at"), "feedback", ["created_at"], unique=False)
    _index_new_facets()


# Filters Find gained with this revision (app/services/find/record_index.py FILTER_FACETS): the records'
# facets already hold their values; the filter index (migration 0011) is told about them here.
NEW_FILTER_FACETS = ("geography", "pilot", "partners")


def _index_new_facets():
    connection = op.get_bind()
    known = {
        (facet, value): number
        for number, facet, value in connection.execute(sa.text("SELECT id, facet, value FROM facet_values"))
    }
    present = set(connection.execute(sa.text("SELECT record_id, facet_value_id FROM record_facets")))
    next_number = max(known.values(), default=0) + 1
    new_values, rows = [], []
    for record_id, facets in connection.execute(sa.text("SELECT id, facets FROM records ORDER BY id")):
        if isinstance(facets, str):
            facets = json.loads(facets)
        for facet in NEW_FILTER_FACETS:
            values = (facets or {}).get(facet) or []
            for value in dict.fromkeys(str(v) for v in (values if isinstance(values, list) else [values])):
                if len(value) > 100:
                    continue
                if (facet, value) not in known:
                    known[(facet, value)] = next_number
                    new_values.append({"id": next_number, "facet": facet, "value": value})
                    next_number += 1
                if (record_id, known[(facet, value)]) not in present:
                    rows.append({"record_id": record_id, "facet_value_id": known[(facet, value)]})
    facet_values = sa.table("facet_values", sa.column("id"), sa.column("facet"), sa.column("value"))
    record_facets = sa.table("record_facets", sa.column("record_id"), sa.column("facet_value_id"))
    if new_values:
        op.bulk_insert(facet_values, new_values)
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('facet_values', 'id'), :n)"),
                {"n": next_number - 1},
            )
    for start in range(0, len(rows), 10_000):
        op.bulk_insert(record_facets, rows[start : start + 10_000])


def downgrade():
    connection = op.get_bind()
    facets = {"facets": list(NEW_FILTER_FACETS)}
    chosen = sa.text("SELECT id FROM facet_values WHERE facet IN :facets").bindparams(
        sa.bindparam("facets", expanding=True)
    )
    ids = [row[0] for row in connection.execute(chosen, facets)]
    if ids:
        connection.execute(
            sa.text("DELETE FROM record_facets WHERE facet_value_id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        )
        connection.execute(
            sa.text("DELETE FROM facet_values WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        )
    op.drop_index(op.f("ix_feedback_created_at"), table_name="feedback")
    op.drop_table("feedback")
