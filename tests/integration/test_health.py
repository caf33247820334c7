"""Health checks as monitoring sees them, and `flask worker --once` (the cron alternative to the worker)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models import (
    EmailStatus,
    ImportBatch,
    ImportMode,
    ImportStatus,
    OutboundEmail,
    Submission,
    SubmissionStatus,
    WorkerPass,
)
from app.models.base import utcnow
from app.services import worker_status
from app.services.email import outbox
from app.services.imports import batches as import_batches
from app.services.organisations.files import load_seed_organisations
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.fresh_databases import app_on, fresh_databases

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"


def test_before_any_worker_has_run_health_says_so_and_readiness_fails(client):
    health = client.get("/health")
    assert health.status_code == 200  # the web service itself is fine: keep sending it requests
    assert health.json["database"] == "ok"
    assert health.json["status"] == "degraded"
    assert health.json["worker"] == "no worker has run"
    assert health.json["worker_last_pass"] is None
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json["worker"] == "no worker has run"


def test_a_worker_pass_makes_the_service_ready(client, runner):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json["status"] == "ok"
    assert ready.json["worker"] == "ok"
    last_pass = datetime.fromisoformat(ready.json["worker_last_pass"])
    assert abs(utcnow() - last_pass) < timedelta(seconds=30)
    assert client.get("/health").json["status"] == "ok"


def test_a_worker_silent_for_longer_than_the_limit_is_reported(app, client):
    app.config["WORKER_STALE_SECONDS"] = 300
    worker_status.record_pass(host="web-1", now=utcnow() - timedelta(minutes=6))
    db.session.commit()
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json["status"] == "degraded"
    assert health.json["worker"] == "no pass for more than 5 minutes"
    assert client.get("/health/ready").status_code == 503

    # Another machine's worker that is alive is enough: any worker sends the emails.
    worker_status.record_pass(host="web-2", now=utcnow() - timedelta(minutes=1))
    db.session.commit()
    assert client.get("/health/ready").status_code == 200


def test_a_worker_restarting_on_one_machine_keeps_one_row(app):
    for minutes in (10, 5, 0):
        worker_status.record_pass(host="web-1", now=utcnow() - timedelta(minutes=minutes))
        db.session.commit()
    rows = db.session.scalars(select(WorkerPass)).all()
    assert [row.host for row in rows] == ["web-1"]
    assert utcnow() - rows[0].finished_at < timedelta(minutes=1)


def test_health_says_when_the_database_is_down():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:9/none")
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"connect_timeout": 2}}
    for path in ("/health", "/health/ready"):
        response = app.test_client().get(path)
        assert response.status_code == 503
        assert response.json == {"status": "unavailable", "database": "unavailable", "worker": "unknown"}


# 10am in London on a Monday: after the reviewers' digest hour.
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_worker_once_runs_every_job_the_worker_runs(app, runner, smtp):
    """Reminders, the reviewers' digest, emails, checking an uploaded import and retention, in one command."""
    with time_machine.travel(NOW, tick=True):
        load_seed_organisations()
        silent_lead = factories.user(email="silent@example.org")
        author = factories.user(email="author@example.org")
        factories.reviewer(email="reviewer@example.org")
        admin = factories.administrator(email="admin@example.org")
        round_ = rounds.create_round(
            title="Collaboration return 2026",
            opens_at=NOW - timedelta(days=20),
            deadline=NOW + timedelta(days=3),  # the 7-day reminder is due
            version=rounds.default_version(),
        )
        db.session.flush()
        db.session.add(
            Submission(
                round=round_,
                organisation_id=author.organisation_id,
                created_by=author,
                name="Shared estate",
                status=SubmissionStatus.SUBMITTED,
                submitted_at=NOW - timedelta(hours=3),
                questionnaire_version_id=round_.questionnaire_version_id,
                answers={},
                page_states={},
            )
        )
        old = NOW - timedelta(days=100)
        old_email = OutboundEmail(
            idempotency_key="old",
            recipient="someone@example.org",
            subject="An old email",
            body_text="Old text",
            body_html="<p>Old</p>",
            message=b"old message",
            template="password_reset",
            status=EmailStatus.SENT,
            created_at=old,
            next_attempt_at=old,
            sent_at=old,
        )
        db.session.add(old_email)
        csv = EXAMPLES / "surveymonkey-collaboration-2017.csv"
        mapping = EXAMPLES / "surveymonkey-collaboration-2017.yaml"
        batch = import_batches.upload(
            data=csv.read_bytes(),
            file_name=csv.name,
            mapping_text=mapping.read_text(),
            mapping_name=mapping.name,
            round_title="Collaboration return 2017",
            year=2017,
            mode=ImportMode.RECORDS,
            by=admin,
        )
        db.session.commit()
        batch_id, old_email_id = batch.id, old_email.id

        result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    delivered = {message["To"]: message["Subject"] for message in smtp.messages}
    assert "silent@example.org" in delivered  # a reminder, planned and sent in the same pass
    assert "author@example.org" not in delivered  # submitted: nothing outstanding
    assert delivered["reviewer@example.org"] == "1 collaboration project waiting for review"
    assert db.session.get(ImportBatch, batch_id).status == ImportStatus.CHECKED
    assert db.session.get(OutboundEmail, old_email_id).body_text in ("", None)  # retention cleared it
    assert db.session.scalar(select(WorkerPass.failed_jobs)) == 0
    assert "Ran every job once" in result.output
    assert silent_lead.email in delivered


def test_worker_once_fails_naming_a_job_that_failed_and_still_runs_the_others(tmp_path):
    """For cron: a job that fails makes the command fail (cron mails its output) without stopping the rest.
    A database of its own, whose reminders table has gone, makes the reminders job fail for real."""
    with fresh_databases(tmp_path) as fresh, app_on(fresh("broken"), migrate=True) as app:
        factories.user(email="lead@example.org")
        outbox.enqueue(
            "lead@example.org", "Reset your password", "password_reset", "reset:1",
            user=factories.user(email="someone@example.org"), link="https://x/1", hours=1,
        )  # fmt: skip
        db.session.execute(text("DROP TABLE reminders"))
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["worker", "--once"])
        assert result.exit_code == 1
        assert "Failed: send deadline reminders (see the log above)" in result.output
        db.session.expire_all()
        assert db.session.scalar(select(OutboundEmail.status)) == EmailStatus.NOT_DELIVERED  # emails went on
        assert db.session.scalar(select(WorkerPass.failed_jobs)) == 1
