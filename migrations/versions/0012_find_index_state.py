"""Find's index state: a number that changes whenever records or their facet rows change, set by triggers, so
that each web process knows when its in-memory copy of Find's index is out of date.

Note for later migrations: on SQLite, batch operations that recreate `records` or `record_facets` drop their
triggers; create them again (tests/integration/test_find_index.py checks that changes are noticed).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

WATCHED = {"records": ("INSERT", "UPDATE", "DELETE"), "record_facets": ("INSERT", "UPDATE", "DELETE")}


def upgrade():
    op.create_table(
        "find_index_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_find_index_state")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION find_index_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- Once per transaction: updating one row for each of a million statements in one
                -- transaction would leave a million versions of it to step through.
                IF current_setting('find_index.changed', true) IS DISTINCT FROM 'yes' THEN
                    PERFORM set_config('find_index.changed', 'yes', true);
                    INSERT INTO find_index_state (id, version)
                    VALUES (1, (random() * 9007199254740991)::bigint)
                    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
                END IF;
                RETURN NULL;
            END
            $$
            """
        )
        for table, events in WATCHED.items():
            op.execute(
                f"CREATE TRIGGER {table}_find_index AFTER {' OR '.join(events)} OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION find_index_changed()"
            )
        op.execute("INSERT INTO find_index_state (id, version) VALUES (1, (random() * 9007199254740991)::bigint)")
    else:
        for table, events in WATCHED.items():
            for event in events:
                op.execute(
                    f"CREATE TRIGGER {table}_find_index_{event.lower()} AFTER {event} ON {table} BEGIN "
                    "INSERT INTO find_index_state (id, version) VALUES (1, random()) "
                    "ON CONFLICT (id) DO UPDATE SET version = excluded.version; END"
                )
        op.execute("INSERT INTO find_index_state (id, version) VALUES (1, random())")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_find_index ON {table}")
        op.execute("DROP FUNCTION IF EXISTS find_index_changed()")
    else:
        for table, events in WATCHED.items():
            for event in events:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_find_index_{event.lower()}")
    op.drop_table("find_index_state")
