"""Find's index is read again when rounds, organisations, questionnaire versions or facet values change, as
well as records and their facet rows: its figures show round titles, and a renamed round showed the old title
in every process until a record changed.

Revision ID: 0017
Revises: 0018
Create Date: 2026-12-07 01:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

WATCHED = ("rounds", "organisations", "questionnaire_versions", "facet_values")
EVENTS = ("INSERT", "UPDATE", "DELETE")
NEW_VERSION = (
    "BEGIN INSERT INTO find_index_state (id, version) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version; END"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # find_index_changed() is migration 0012's: once per transaction, a new version.
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_find_index AFTER {' OR '.join(EVENTS)} OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION find_index_changed()"
            )
    else:
        for table in WATCHED:
            for event in EVENTS:
                trigger = f"CREATE TRIGGER {table}_find_index_{event.lower()} AFTER {event} ON {table} "
                op.execute(trigger + NEW_VERSION)


def downgrade():
    for table in WATCHED:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_find_index ON {table}")
        else:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_find_index_{event.lower()}")
