"""`flask backup create` and `flask backup restore` round-trip a populated database, whichever it is:
every row of every table (records, answers, revisions, the audit log, the outbox, the search index), the
sequences and the triggers come back as they were."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, select, text

from app.extensions import db
from app.models import AuditEvent, Organisation, OutboundEmail, Record, Revision, Submission, SubmissionStatus
from app.services.email import outbox
from app.services.organisations.files import load_seed_organisations
from app.services.people import accounts
from tests import factories
from tests.fresh_databases import app_on, fresh_databases
from tests.records import a_round, published


@pytest.fixture
def databases(tmp_path) -> Iterator:
    with fresh_databases(tmp_path) as fresh:
        yield fresh


def populate() -> None:
    load_seed_organisations()
    round_ = a_round()
    orgs = db.session.scalars(
        select(Organisation)
        .where(Organisation.name.in_(["Kent Police", "Kent Fire and Rescue Service"]))
        .order_by(Organisation.name.desc())
    ).all()
    published(round_, orgs[0], name="Joint control room", summary="One room, three services.")
    published(
        round_,
        orgs[1],
        name="Shared estate «Maidstone» ✓",
        summary="Fire and police share a station.\nTwo lines, and 'quotes'.",
        partners=[orgs[0]],
        sharing="sector",
    )
    published(round_, orgs[1], name="Co-responding", summary="Figures only.", sharing="figures")
    lead = factories.user(email="lead@example.org", organisation_=orgs[0])
    db.session.add(
        Submission(
            round=round_,
            organisation_id=orgs[0].id,
            created_by=lead,
            name="A draft in progress",
            status=SubmissionStatus.DRAFT,
            questionnaire_version_id=round_.questionnaire_version_id,
            answers={"project_name": "A draft in progress", "summary": "Ünïcode and a long text " * 200},
            page_states={"project_name": "completed"},
        )
    )
    accounts.record_sign_in(lead, ip_address="203.0.113.7")
    outbox.enqueue(
        "lead@example.org",
        "Reset your password",
        "password_reset",
        "reset:1",
        user=lead,
        link="https://x/1",
        hours=1,
    )
    db.session.commit()


def snapshot() -> dict[str, list]:
    """Every row of every table (as the database has them, not as the models say), and the sequences."""
    connection = db.session.connection()
    tables = {}
    for name in inspect(connection).get_table_names():
        query = f'SELECT * FROM "{name}"'  # noqa: S608  (names from the database itself)
        rows = connection.execute(text(query)).all()
        values = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]
        tables[name] = sorted(values, key=repr)
    if connection.dialect.name == "postgresql":
        tables["(sequences)"] = sorted(
            connection.execute(text("SELECT sequencename, last_value FROM pg_sequences")).all(), key=repr
        )
    db.session.rollback()
    return tables


def without_the_restore_event(tables: dict[str, list]) -> dict[str, list]:
    """The restore itself is in the audit log: one event more than the backup has, and nothing else."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "database.restored")).all()
    assert len(events) == 1 and events[0].details["via"] == "command line"
    tables = dict(tables)
    tables["audit_events"] = [row for row in tables["audit_events"] if row[0] != events[0].id]
    if "(sequences)" in tables:
        tables["(sequences)"] = [
            (name, value - 1 if name == "audit_events_id_seq" else value)
            for name, value in tables["(sequences)"]
        ]
    return tables


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.query(model).count()
        for model in (Record, Submission, Revision, AuditEvent, OutboundEmail)
    }


def test_a_backup_restored_over_a_changed_database_gives_back_exactly_what_was_backed_up(databases, tmp_path):
    backup_file = tmp_path / "backups" / "collaboration.backup"
    backup_file.parent.mkdir()
    with app_on(databases("live"), migrate=True) as app:
        populate()
        before, before_counts = snapshot(), counts()
        assert before_counts == {
            "Record": 3,
            "Submission": 4,
            "Revision": 3,
            "AuditEvent": 2,
            "OutboundEmail": 1,
        }
        runner = app.test_cli_runner()
        made = runner.invoke(args=["backup", "create", str(backup_file)])
        assert made.exit_code == 0, made.output
        assert f"to {backup_file}" in made.output and "migration 0" in made.output
        assert [p.name for p in backup_file.parent.iterdir()] == ["collaboration.backup"]  # no partial file

        # What a backup is for: a mistake, and things changed since.
        db.session.execute(text("DELETE FROM outbound_emails"))
        db.session.execute(text("DELETE FROM audit_events"))
        db.session.execute(text("UPDATE records SET summary = 'overwritten'"))
        factories.user(email="newcomer@example.org")
        db.session.commit()
        assert snapshot() != before

        declined = runner.invoke(args=["backup", "restore", str(backup_file)], input="n\n")
        assert declined.exit_code != 0 and "Continue?" in declined.output
        assert db.session.query(OutboundEmail).count() == 0  # nothing changed

        not_a_backup = tmp_path / "notes.txt"
        not_a_backup.write_text("not a backup")
        refused = runner.invoke(args=["backup", "restore", "--yes", str(not_a_backup)])
        assert refused.exit_code != 0
        assert f"{not_a_backup} is not a backup made by `flask backup create`" in refused.output
        assert db.session.query(OutboundEmail).count() == 0

        restored = runner.invoke(args=["backup", "restore", "--yes", str(backup_file)])
        assert restored.exit_code == 0, restored.output
        assert without_the_restore_event(snapshot()) == before

        # The restored database works as before: new rows get new ids, triggers still mark changes.
        factories.user(email="after-restore@example.org")
        version = db.session.execute(text("SELECT version FROM find_index_state")).scalar()
        db.session.execute(text("UPDATE records SET summary = 'changed after the restore'"))
        db.session.commit()
        assert db.session.execute(text("SELECT version FROM find_index_state")).scalar() != version


def test_a_backup_restores_into_an_empty_database_on_a_new_server(databases, tmp_path):
    backup_file = tmp_path / "collaboration.backup"
    with app_on(databases("old"), migrate=True) as app:
        populate()
        before = snapshot()
        made = app.test_cli_runner().invoke(args=["backup", "create", str(backup_file)])
        assert made.exit_code == 0, made.output
    with app_on(databases("new")) as app:  # not even migrated: the backup brings the schema
        restored = app.test_cli_runner().invoke(args=["backup", "restore", "--yes", str(backup_file)])
        assert restored.exit_code == 0, restored.output
        assert without_the_restore_event(snapshot()) == before
        assert counts()["Record"] == 3
