"""PostgreSQL's full-text vectors move from a generated column of `records` to a narrow table of their own

A search matching many records read most of the wide `records` heap (answers, search text, facets) to rank
them; `record_search_vectors` holds just each record's vector, with its own GIN index, as SQLite's FTS5 table
`record_search` holds its text. app/services/find/record_index.py writes it when a record is published or
changed, with the weights of migration 0005 (name 'A', search text 'B', english configuration). SQLite:
nothing changes.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 09:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

VECTOR = (
    "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(search_text, '')), 'B')"
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE record_search_vectors ("
        "record_id integer NOT NULL, "
        "search_vector tsvector NOT NULL, "
        "CONSTRAINT pk_record_search_vectors PRIMARY KEY (record_id), "
        "CONSTRAINT fk_record_search_vectors_record_id_records FOREIGN KEY (record_id) "
        "REFERENCES records (id) ON DELETE CASCADE)"
    )
    # The stored column's values, copied rather than computed again.
    op.execute(
        "INSERT INTO record_search_vectors (record_id, search_vector) SELECT id, search_vector FROM records"
    )
    op.execute(
        "CREATE INDEX ix_record_search_vectors_search_vector ON record_search_vectors USING gin (search_vector)"
    )
    op.execute("DROP INDEX IF EXISTS ix_records_search_vector")
    op.execute("ALTER TABLE records DROP COLUMN IF EXISTS search_vector")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE records ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED")
    op.execute("CREATE INDEX ix_records_search_vector ON records USING gin (search_vector)")
    op.execute("DROP TABLE IF EXISTS record_search_vectors")
