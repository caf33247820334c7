"""Data retention: exactly the old never-submitted drafts of closed rounds are deleted, and the bodies of old
emails cleared, with a record of what went; running it again, or on two workers at once, removes nothing
twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.cli.worker import default_jobs
from app.extensions import db
from app.models import (
    AuditEvent,
    EmailStatus,
    OutboundEmail,
    Revision,
    Submission,
    SubmissionPartner,
    SubmissionStatus,
)
from app.models.base import utcnow
from app.services import jobs, retention
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.conftest import sign_in


def _round(title: str, *, opened_days_ago: int, deadline_in_days: int):
    now = utcnow()
    return rounds.create_round(
        title=title,
        opens_at=now - timedelta(days=opened_days_ago),
        deadline=now + timedelta(days=deadline_in_days),
        version=rounds.default_version(),
    )


def _submission(round_, lead, *, days_untouched: int, status=SubmissionStatus.DRAFT, **fields) -> Submission:
    submission = Submission(
        round_id=round_.id,
        organisation_id=lead.organisation_id,
        created_by_id=lead.id,
        questionnaire_version_id=round_.questionnaire_version_id,
        status=status,
        name=f"Project untouched for {days_untouched} days",
        answers={"project_name": "A project"},
        page_states={},
        updated_at=utcnow() - timedelta(days=days_untouched),
        **fields,
    )
    db.session.add(submission)
    db.session.flush()
    return submission


def _email(key: str, status: EmailStatus, *, days_ago: int) -> OutboundEmail:
    when = utcnow() - timedelta(days=days_ago)
    email = OutboundEmail(
        idempotency_key=key,
        recipient=f"{key}@example.org",
        subject=f"Subject {key}",
        body_text=f"Text of {key}",
        body_html=f"<p>HTML of {key}</p>",
        message=b"whole message",
        template="password_reset",
        status=status,
        created_at=when,
        next_attempt_at=when,
        sent_at=when if status == EmailStatus.SENT else None,
    )
    db.session.add(email)
    db.session.flush()
    return email


@pytest.fixture
def world():
    lead = factories.user(email="lead@example.org")
    partner = factories.organisation("Partner Fire and Rescue Service")
    closed = _round("Closed 2025", opened_days_ago=800, deadline_in_days=-700)
    open_ = _round("Open now", opened_days_ago=10, deadline_in_days=30)
    extended = _round("Closed with an extension", opened_days_ago=800, deadline_in_days=-700)
    rounds.extend_deadline(extended, lead.organisation_id, utcnow() + timedelta(days=3), by=lead)

    old_draft = _submission(closed, lead, days_untouched=400)
    db.session.add(SubmissionPartner(submission_id=old_draft.id, organisation_id=partner.id))
    another_old_draft = _submission(closed, lead, days_untouched=366)
    recent_draft = _submission(closed, lead, days_untouched=300)
    withdrawn = _submission(
        closed,
        lead,
        days_untouched=400,
        reference="CR-2025-0001",
        submitted_at=utcnow() - timedelta(days=500),
    )
    db.session.add(
        Revision(
            submission_id=withdrawn.id,
            number=1,
            questionnaire_version_id=closed.questionnaire_version_id,
            answers={},
            submitted_by_id=lead.id,
        )
    )
    submitted = _submission(closed, lead, days_untouched=400, status=SubmissionStatus.APPROVED)
    in_open_round = _submission(open_, lead, days_untouched=400)
    in_extended_round = _submission(extended, lead, days_untouched=400)

    emails = {
        "old_sent": _email("old-sent", EmailStatus.SENT, days_ago=91),
        "old_kept": _email("old-kept", EmailStatus.NOT_DELIVERED, days_ago=120),
        "recent_sent": _email("recent-sent", EmailStatus.SENT, days_ago=89),
        "old_failed": _email("old-failed", EmailStatus.FAILED, days_ago=200),
        "old_pending": _email("old-pending", EmailStatus.PENDING, days_ago=200),
    }
    db.session.commit()
    return {
        "deleted": sorted([old_draft.id, another_old_draft.id]),
        "kept": [recent_draft.id, withdrawn.id, submitted.id, in_open_round.id, in_extended_round.id],
        "emails": emails,
        "cleared": sorted([emails["old_sent"].id, emails["old_kept"].id]),
    }


def _submission_ids() -> set[int]:
    return set(db.session.scalars(select(Submission.id)))


def _runs() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).filter_by(action="retention.applied")))


def test_a_dry_run_says_what_would_go_and_removes_nothing(runner, world):
    before = _submission_ids()
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (
        "2 drafts untouched for 365 days would be deleted; 2 email bodies older than 90 days would be removed"
        in (result.output)
    )
    assert f"Drafts: {', '.join(str(i) for i in world['deleted'])}" in result.output
    db.session.expire_all()
    assert _submission_ids() == before
    assert db.session.scalar(select(func.count()).where(OutboundEmail.body_removed_at.is_not(None))) == 0
    assert _runs() == []


def test_retention_removes_exactly_the_old_drafts_and_email_bodies_and_records_them(runner, world):
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "2 drafts untouched for 365 days were deleted; 2 email bodies older than 90 days were removed" in (
        result.output
    )
    db.session.expire_all()
    remaining = _submission_ids()
    assert remaining.isdisjoint(world["deleted"])
    assert set(world["kept"]) <= remaining
    assert (
        db.session.scalars(select(SubmissionPartner)).all() == []
    )  # the deleted draft's partner row went too

    for name, email in world["emails"].items():
        db.session.refresh(email)
        if email.id in world["cleared"]:
            assert (email.body_text, email.body_html, email.message) == ("", "", None), name
            assert email.body_kept_days == 90
            assert email.body_removed_at is not None
            assert email.subject == f"Subject {email.idempotency_key}"  # the row stays for the record
        else:
            assert email.body_text == f"Text of {email.idempotency_key}", name
            assert email.message == b"whole message"

    [run] = _runs()
    assert run.details == {
        "drafts_deleted": 2,
        "draft_ids": world["deleted"],
        "draft_days": 365,
        "email_bodies_removed": 2,
        "email_ids": world["cleared"],
        "outbox_days": 90,
    }

    again = runner.invoke(args=["retention", "run"])
    assert "0 drafts untouched for 365 days were deleted; 0 email bodies" in again.output
    db.session.expire_all()
    assert len(_runs()) == 1  # a run that removes nothing records nothing


def test_the_emails_page_says_the_body_was_removed(client, world):
    retention.run()
    db.session.commit()
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    cleared = world["emails"]["old_sent"]
    page = client.get(f"/admin/emails/{cleared.id}")
    assert page.status_code == 200
    assert "Body removed after 90 days" in page.text
    assert "Subject old-sent" in page.text and "old-sent@example.org" in page.text
    assert "Body removed after 90 days" in client.get(f"/admin/emails/{cleared.id}/html").text
    listing = client.get("/admin/emails").text
    assert listing.count("Body removed after 90 days") == 2
    kept = client.get(f"/admin/emails/{world['emails']['recent_sent'].id}").text
    assert "Text of recent-sent" in kept and "Body removed" not in kept


def test_the_retention_periods_come_from_the_configuration(app, world):
    app.config.update(RETENTION_DRAFT_DAYS=200, RETENTION_OUTBOX_DAYS=100)
    result = retention.run()
    db.session.commit()
    assert len(result.drafts) == 3  # the draft untouched for 300 days goes too
    assert result.emails == [world["emails"]["old_kept"].id]
    assert _runs()[0].details["draft_days"] == 200


def test_the_worker_applies_retention(app, world):
    [job] = [job for job in default_jobs(5) if job.name == "apply data retention"]
    jobs.run_due([job])
    db.session.expire_all()
    assert _submission_ids().isdisjoint(world["deleted"])
    assert len(_runs()) == 1


@pytest.mark.postgres_only
def test_two_workers_at_once_remove_each_thing_once(app, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL (run with TEST_DATABASE_URL)")
    results = []
    start = threading.Barrier(2)

    def work():
        with app.app_context():
            start.wait()
            results.append(retention.run())
            db.session.commit()
            db.session.remove()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    drafts = [i for result in results for i in result.drafts]
    emails = [i for result in results for i in result.emails]
    assert sorted(drafts) == world["deleted"]
    assert sorted(emails) == world["cleared"]
    db.session.expire_all()
    assert sum(run.details["drafts_deleted"] + run.details["email_bodies_removed"] for run in _runs()) == 4
