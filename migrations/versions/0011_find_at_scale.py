"""Find at scale: facet values numbered, one row per record and filter facet value, and indexes for sorting
and visibility, so that filters and counts are worked out in SQL. Existing records are indexed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21 09:00:00

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# The facets people filter by (app/services/find.py FILTER_FACETS when this migration was written).
FILTER_FACETS = (
    "services",
    "combination",
    "themes",
    "region",
    "stage",
    "year",
    "enablers",
    "barriers",
    "has_evaluation",
)


def upgrade():
    op.create_table(
        "facet_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facet_values")),
        sa.UniqueConstraint("facet", "value", name=op.f("uq_facet_values_facet")),
    )
    op.create_table(
        "record_facets",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("facet_value_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facet_value_id"], ["facet_values.id"], name=op.f("fk_record_facets_facet_value_id_facet_values")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_facets_record_id_records"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("record_id", "facet_value_id", name=op.f("pk_record_facets")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_record_facets_value_record", "record_facets", ["facet_value_id", "record_id"])
    op.create_index(op.f("ix_records_sharing"), "records", ["sharing"])
    op.create_index(op.f("ix_records_approved_at"), "records", ["approved_at"])
    _index_existing_records()


def _index_existing_records():
    connection = op.get_bind()
    facet_values = sa.table("facet_values", sa.column("id"), sa.column("facet"), sa.column("value"))
    record_facets = sa.table("record_facets", sa.column("record_id"), sa.column("facet_value_id"))
    numbers: dict[tuple[str, str], int] = {}
    rows = []
    for record_id, facets in connection.execute(sa.text("SELECT id, facets FROM records ORDER BY id")):
        if isinstance(facets, str):
            facets = json.loads(facets)
        for facet in FILTER_FACETS:
            values = (facets or {}).get(facet) or []
            for value in dict.fromkeys(str(v) for v in (values if isinstance(values, list) else [values])):
                if len(value) > 100:
                    continue
                if (facet, value) not in numbers:
                    numbers[(facet, value)] = len(numbers) + 1
                rows.append({"record_id": record_id, "facet_value_id": numbers[(facet, value)]})
    if numbers:
        op.bulk_insert(facet_values, [{"id": n, "facet": f, "value": v} for (f, v), n in numbers.items()])
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('facet_values', 'id'), :n)"), {"n": len(numbers)}
            )
    for start in range(0, len(rows), 10_000):
        op.bulk_insert(record_facets, rows[start : start + 10_000])


def downgrade():
    op.drop_index(op.f("ix_records_approved_at"), table_name="records")
    op.drop_index(op.f("ix_records_sharing"), table_name="records")
    op.drop_index("ix_record_facets_value_record", table_name="record_facets")
    op.drop_table("record_facets")
    op.drop_table("facet_values")
