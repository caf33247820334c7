"""Full-text search over records: FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE records ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(search_text, '')), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_records_search_vector ON records USING gin (search_vector)")
    else:
        # The porter stemmer makes "responding" find "response", as PostgreSQL's english configuration does.
        op.execute("CREATE VIRTUAL TABLE record_search USING fts5(name, body, tokenize = 'porter unicode61')")
        op.execute("INSERT INTO record_search (rowid, name, body) SELECT id, name, search_text FROM records")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_records_search_vector")
        op.execute("ALTER TABLE records DROP COLUMN IF EXISTS search_vector")
    else:
        op.execute("DROP TABLE IF EXISTS record_search")
