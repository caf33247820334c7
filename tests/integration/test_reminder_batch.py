"""Reminders decided and queued a batch at a time: each lead gets the email that rendering the templates for
them alone gives (subject, text, HTML, their own opt-out link), delivered as such; and deciding again, or in
two processes at once, queues no second email for the same lead, deadline and kind."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import current_app, render_template
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, insert, select, update

from app.extensions import db
from app.links import external_url
from app.models import (
    NilReturn,
    Organisation,
    OutboundEmail,
    Reminder,
    ReminderStatus,
    Round,
    Submission,
    SubmissionStatus,
    User,
)
from app.models.submission import EDITABLE_STATUSES
from app.services.email import outbox, reminder_content, reminders
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.smtp import text_body

ROOT = Path(__file__).resolve().parents[2]
OPENS = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 12, 18, 23, 59, tzinfo=UTC)
SEVEN_DAYS_BEFORE = datetime(2026, 12, 11, 9, 0, 30, tzinfo=UTC)
MORNING_AFTER = datetime(2026, 12, 19, 9, 0, 30, tzinfo=UTC)


def _round(title: str = "Collaboration & <return> 2026 - “Wales”") -> Round:
    round_ = rounds.create_round(
        title=title, opens_at=OPENS, deadline=DEADLINE, version=rounds.default_version()
    )
    round_.deadline_passed_notice = True
    db.session.flush()
    return round_


@pytest.fixture
def world(app):
    """Organisations and leads whose emails differ in every way a reminder can."""
    round_ = _round()
    drafting = factories.organisation("Drafting & Sons <Fire>")
    later = factories.organisation("Later Police - Gwent")
    leads = [
        factories.user(email="sian@example.org", name="Siân O'Brien", organisation_=drafting, password=None),
        factories.user(
            email="al@example.org", name='Alex "Al" <Smith>', organisation_=drafting, password=None
        ),
        factories.user(email="later@example.org", name="Lee Later", organisation_=later, password=None),
    ]
    for n in range(7):  # silent organisations, several to a batch
        org = factories.organisation(f"Silent {n}")
        leads.append(
            factories.user(email=f"silent{n}@example.org", name=f"Sam {n}", organisation_=org, password=None)
        )
    nil = factories.organisation("Nil Return Service")
    factories.user(email="nil@example.org", organisation_=nil, password=None)
    db.session.add(NilReturn(round_id=round_.id, organisation_id=nil.id, made_by=leads[0]))

    def project(org, status, name):
        db.session.add(
            Submission(
                round=round_,
                organisation=org,
                created_by=leads[0],
                name=name,
                status=status,
                questionnaire_version_id=round_.questionnaire_version_id,
                answers={},
                page_states={},
            )
        )

    project(drafting, SubmissionStatus.DRAFT, "Joint fleet & workshop")
    project(drafting, SubmissionStatus.CHANGES_REQUESTED, "Shared <estate>")
    project(drafting, SubmissionStatus.DRAFT, None)
    project(drafting, SubmissionStatus.SUBMITTED, "Co-responding")
    project(later, SubmissionStatus.DRAFT, "Blue light hub")
    db.session.commit()
    admin = factories.administrator()
    rounds.extend_deadline(round_, later.id, DEADLINE + timedelta(days=7), by=admin)
    db.session.commit()
    return round_


def one_at_a_time(reminder: Reminder, now: datetime) -> dict[str, str]:
    """The email as queueing one reminder at a time wrote it: the templates rendered for the lead's User, with
    the organisation's submissions, links made and token signed for this lead alone."""
    round_ = db.session.get_one(Round, reminder.round_id)
    user = db.session.get_one(User, reminder.user_id)
    org_id = reminder.organisation_id
    projects = db.session.scalars(
        select(Submission)
        .where(Submission.round_id == round_.id, Submission.organisation_id == org_id)
        .where(Submission.status.in_(EDITABLE_STATUSES))
        .order_by(Submission.id)
    ).all()
    any_return = db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.round_id == round_.id, Submission.organisation_id == org_id
        )
    )
    work = reminder_content.Outstanding(projects=list(projects), nothing_yet=not any_return)
    deadline = rounds.deadline_for(round_, org_id)
    subject = reminder_content.subject_for(round_, deadline, now)
    context = {
        "service_name": current_app.config["SERVICE_NAME"],
        "base_url": current_app.config["BASE_URL"],
        "subject": subject,
        **reminder_content.email_context(round_, user, work, deadline, now),
    }
    return {
        "recipient": user.email,
        "subject": subject,
        "body_text": render_template("emails/reminder.txt", **context),
        "body_html": render_template("emails/reminder.html", **context),
        "list_unsubscribe": external_url("reminders.opt_out", token=reminder_content.opt_out_token(user)),
    }


def queued() -> dict[int, OutboundEmail]:
    """Each sent reminder's email, by reminder id."""
    rows = db.session.execute(
        select(Reminder.id, OutboundEmail)
        .join(OutboundEmail, OutboundEmail.id == Reminder.outbound_email_id)
        .where(Reminder.status == ReminderStatus.SENT)
    )
    return dict(rows.tuples().all())


def crlf(body: str) -> str:
    """A body as it travels: lines end in CRLF on the wire, and a mail program reads them so."""
    return body.replace("\n", "\r\n")


def as_written(email: OutboundEmail) -> dict[str, str | None]:
    return {name: getattr(email, name) for name in ("recipient", "subject", "body_text", "body_html")} | {
        "list_unsubscribe": email.list_unsubscribe
    }


def test_each_lead_gets_the_email_rendering_it_alone_gives(world, monkeypatch, smtp, client):
    monkeypatch.setattr(reminders, "BATCH", 4)  # shapes of email met again in later batches
    checked = 0
    for now in (SEVEN_DAYS_BEFORE, MORNING_AFTER):
        before = set(queued())
        with time_machine.travel(now, tick=False):
            reminders.run()
            db.session.commit()
        emails = {r: e for r, e in queued().items() if r not in before}
        assert emails, now
        for reminder_id, email in emails.items():
            reminder = db.session.get_one(Reminder, reminder_id)
            assert as_written(email) == one_at_a_time(reminder, now), email.recipient
            token = email.list_unsubscribe.rsplit("/", 1)[1]
            assert reminder_content.user_for_opt_out(token).id == reminder.user_id
            checked += 1
    # Ten leads a week before; the morning after, the notice to the nine late ones and Later's 7-day reminder
    # (its own deadline is a week after the round's).
    assert checked == 20
    sian = sorted((e for e in queued().values() if e.recipient == "sian@example.org"), key=lambda e: e.id)
    assert "Joint fleet &amp; workshop" in sian[0].body_html and "Joint fleet & workshop" in sian[0].body_text
    assert "Untitled project (In progress)" in sian[0].body_text
    assert "Shared <estate> (Changes requested)" in sian[0].body_text
    assert sian[1].subject.startswith("The deadline for Collaboration & <return> 2026 - “Wales” has passed")

    # Delivered as written: what each mail program shows is the queued text and HTML.
    with time_machine.travel(MORNING_AFTER + timedelta(minutes=1), tick=False):
        assert outbox.send_due(limit=100).sent == checked
    # A subject that is not plain ASCII is folded onto the header's second line, as Flask-Mail always did: it
    # reads back with a leading space, which mail programs do not show.
    received = {m["X-Outbox-Key"]: m for m in smtp.wait_for(checked)}
    for email in queued().values():
        message = received[email.idempotency_key]
        assert (message["To"], message["Subject"].strip()) == (email.recipient, email.subject)
        html = message.get_body(preferencelist=("html",)).get_content()
        assert (text_body(message), html) == (crlf(email.body_text), crlf(email.body_html))
        assert message["List-Unsubscribe"].strip() == f"<{email.list_unsubscribe}>"  # folded, as ever
    opt_out = client.get(sian[0].list_unsubscribe.removeprefix(current_app.config["BASE_URL"]))
    assert opt_out.status_code == 200 and "Stop getting deadline reminders" in opt_out.text


def test_a_template_the_merge_cannot_fill_in_is_rendered_for_each_lead(world, app):
    shouting = "Dear {{ user.name | upper }} of {{ user.organisation.name }},\n{{ opt_out_link }}\n"
    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"emails/reminder.txt": shouting}), loader])
    try:
        with time_machine.travel(SEVEN_DAYS_BEFORE, tick=False):
            reminders.run()
            db.session.commit()
        emails = queued()
        assert len(emails) == 10
        for reminder_id, email in emails.items():
            assert as_written(email) == one_at_a_time(
                db.session.get_one(Reminder, reminder_id), SEVEN_DAYS_BEFORE
            )
        assert any(e.body_text.startswith("Dear SIÂN O'BRIEN of Drafting") for e in emails.values())
    finally:
        app.jinja_env.loader = loader


def test_deciding_again_queues_nothing_new(world):
    with time_machine.travel(SEVEN_DAYS_BEFORE, tick=False):
        reminders.run()
        reminders.run()
        db.session.commit()
        first = {r: e.id for r, e in queued().items()}
        assert len(first) == 10
        # As if another process had read them still planned: decided again, each finds its email queued.
        db.session.execute(update(Reminder).values(status=ReminderStatus.PLANNED, outbound_email_id=None))
        db.session.commit()
        assert reminders.send_planned().sent == 10
        db.session.commit()
    assert {r: e.id for r, e in queued().items()} == first
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 10


TWO_PROCESSES = """
import sys, time
from datetime import datetime
from pathlib import Path
from app import create_app
from app.extensions import db
from app.services.email import reminders
app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1], SERVER_NAME=None)
go = Path(sys.argv[2])
with app.app_context():
    reminders.BATCH = 25
    Path(sys.argv[4]).touch()
    while not go.exists():
        time.sleep(0.01)
    result = reminders.send_planned(datetime.fromisoformat(sys.argv[3]))
    db.session.commit()
    print(result.sent, result.skipped)
"""


@pytest.mark.commits
def test_two_processes_deciding_at_once_queue_each_reminder_once(app, database_url, tmp_path):
    round_ = _round("Collaboration return 2026")
    db.session.execute(
        insert(Organisation),
        [
            {"name": f"Service {n:03d}", "sector": "police", "region": "south_east", "active": True}
            for n in range(100)
        ],
    )
    org_ids = db.session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
    db.session.execute(
        insert(User),
        [
            {
                "email": f"lead{n:03d}@example.org",
                "name": f"Lead {n}",
                "role": "lead",
                "organisation_id": org_ids[n % 100],
                "active": True,
                "session_token": f"t{n}",
            }
            for n in range(300)
        ],
    )
    db.session.commit()
    assert reminders.plan(SEVEN_DAYS_BEFORE) == 300
    db.session.commit()
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                TWO_PROCESSES,
                database_url,
                str(go),
                SEVEN_DAYS_BEFORE.isoformat(),
                str(tmp_path / f"ready{n}"),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    # Both are released together, once each has its application made and is waiting.
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready{n}").exists() for n in range(2)):
        assert time.monotonic() < deadline, "the two processes did not start"
        assert all(worker.poll() is None for worker in workers), [w.communicate() for w in workers]
        time.sleep(0.01)
    go.touch()
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], [err[-2000:] for _, err in outputs]
    sent = [int(out.split()[0]) for out, _ in outputs]
    assert sum(sent) == 300
    db.session.expire_all()
    keys = db.session.scalars(select(OutboundEmail.idempotency_key)).all()
    assert len(keys) == len(set(keys)) == 300
    decided = db.session.execute(select(Reminder.status, Reminder.outbound_email_id)).all()
    assert {status for status, _ in decided} == {ReminderStatus.SENT}
    assert len({email_id for _, email_id in decided if email_id is not None}) == 300
    assert {round_id for (round_id,) in db.session.execute(select(Reminder.round_id).distinct())} == {
        round_.id
    }
