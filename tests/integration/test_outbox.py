"""The email outbox against a real SMTP server on loopback."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import EmailStatus, OutboundEmail
from app.models.base import utcnow
from app.services.email import outbox
from tests import factories
from tests.smtp import text_body


def queue(n: int = 1, prefix: str = "test") -> list[OutboundEmail]:
    person = factories.reviewer(email=f"{prefix}-reader@example.org")
    emails = [
        outbox.enqueue(
            person.email,
            f"Reset your password ({i})",
            "password_reset",
            idempotency_key=f"{prefix}:{i}",
            user=person,
            link=f"http://127.0.0.1:5000/reset-password/{i}",
            hours=1,
        )
        for i in range(n)
    ]
    db.session.commit()
    return emails


def statuses() -> dict[str, int]:
    rows = db.session.execute(select(OutboundEmail.status, func.count()).group_by(OutboundEmail.status)).all()
    return {status.value: count for status, count in rows}


def test_due_emails_are_delivered_with_text_and_html(app, smtp):
    [email] = queue()
    result = outbox.send_due()
    assert result.sent == 1
    [message] = smtp.wait_for(1)
    assert message["To"] == "test-reader@example.org"
    assert message["Subject"] == "Reset your password (0)"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert "http://127.0.0.1:5000/reset-password/0" in text_body(message)
    assert message.get_body(preferencelist=("html",)) is not None
    db.session.refresh(email)
    assert email.status == EmailStatus.SENT
    assert email.sent_at is not None
    assert outbox.send_due().handled == 0  # nothing is sent twice


def test_the_same_idempotency_key_queues_one_email(app):
    queue(1)
    person = factories.reviewer(email="other@example.org")
    outbox.enqueue(
        person.email, "Again", "password_reset", idempotency_key="test:0", user=person, link="x", hours=1
    )
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 1


def test_an_email_for_a_change_that_was_rolled_back_is_never_sent(app, smtp):
    person = factories.reviewer(email="rolled@example.org")
    outbox.enqueue(
        person.email, "Nope", "password_reset", idempotency_key="rolled", user=person, link="x", hours=1
    )
    db.session.rollback()
    assert outbox.send_due().handled == 0
    assert smtp.messages == []


def test_while_the_mail_server_is_down_emails_wait_and_are_then_sent_once(app, smtp):
    queue(3)
    smtp.stop()
    with time_machine.travel(utcnow(), tick=False) as traveller:
        result = outbox.send_due()
        assert result.retrying == 3
        assert statuses() == {"pending": 3}
        assert outbox.send_due().handled == 0  # backing off: not due yet
        smtp.start()
        traveller.shift(timedelta(seconds=app.config["OUTBOX_BACKOFF_SECONDS"] + 1))
        assert outbox.send_due().sent == 3
    smtp.wait_for(3)
    assert sorted(m["Subject"] for m in smtp.messages) == [f"Reset your password ({i})" for i in range(3)]
    assert statuses() == {"sent": 3}
    attempts = db.session.scalars(select(OutboundEmail.attempts)).all()
    assert attempts == [2, 2, 2]


def test_backoff_grows_and_the_last_failure_parks_the_email_for_an_administrator(app, smtp):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    [email] = queue(1)
    smtp.stop()
    gaps = []
    with time_machine.travel(utcnow(), tick=False) as traveller:
        for _ in range(3):
            outbox.send_due()
            db.session.refresh(email)
            if email.status == EmailStatus.PENDING:
                gaps.append((email.next_attempt_at - utcnow()).total_seconds())
                traveller.shift(email.next_attempt_at - utcnow() + timedelta(seconds=1))
    assert gaps == [1, 2]  # OUTBOX_BACKOFF_SECONDS is 1 in tests: 1s, then 2s
    assert email.status == EmailStatus.FAILED
    assert "ConnectionRefusedError" in email.last_error

    admin = factories.administrator()
    outbox.retry(email, by=admin)
    db.session.commit()
    smtp.start()
    assert outbox.send_due().sent == 1
    assert len(smtp.wait_for(1)) == 1


def test_without_a_mail_server_emails_are_kept_to_read(app):
    queue(2)
    result = outbox.send_due()
    assert result.not_delivered == 2
    assert statuses() == {"not_delivered": 2}


def test_a_worker_that_died_holding_emails_releases_them_after_the_lease(app, smtp):
    queue(2)
    claimed = outbox.claim_due(10)
    assert len(claimed) == 2
    assert outbox.send_due().handled == 0  # held by the other worker
    with time_machine.travel(utcnow() + outbox.CLAIM_LEASE + timedelta(seconds=1)):
        assert outbox.send_due().sent == 2


@pytest.mark.postgres_only
def test_two_workers_at_once_send_each_email_once(app, smtp):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL (run with TEST_DATABASE_URL)")
    queue(40)
    results = []

    def work():
        with app.app_context():
            results.append(outbox.send_due(limit=25))
            db.session.remove()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(r.sent for r in results) == 40
    smtp.wait_for(40)
    subjects = [m["Subject"] for m in smtp.messages]
    assert len(subjects) == len(set(subjects)) == 40


def test_outbox_send_command_sends_due_emails(runner, smtp):
    queue(2)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Emails: 2 sent" in result.output
    assert len(smtp.wait_for(2)) == 2


def test_worker_once_runs_every_job(runner, smtp):
    queue(1)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert (
        "Ran every job once: send deadline reminders, send reviewers' daily digest, send emails"
        in result.output
    )
    assert len(smtp.wait_for(1)) == 1
