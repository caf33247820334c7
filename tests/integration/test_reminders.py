"""Deadline reminders across a whole round, with the clock moved day by day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import (
    NilReturn,
    OutboundEmail,
    Reminder,
    ReminderStatus,
    Sector,
    Submission,
    SubmissionStatus,
)
from app.services.email import outbox, reminder_content, reminders
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.conftest import sign_in, submit_form

OPENS = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)  # 9am UK time
DEADLINE = datetime(2026, 12, 18, 23, 59, tzinfo=UTC)  # 11:59pm on Friday 18 December 2026


@pytest.fixture
def world(app):
    """Organisations in every situation a reminder must tell apart."""
    orgs = {
        name: factories.organisation(name, sector=Sector.POLICE)
        for name in ("Drafting", "Silent", "Finished", "Nil", "Closed down", "Opted out")
    }
    orgs["Closed down"].active = False
    leads = {
        "drafter": factories.user(email="drafter@example.org", organisation_=orgs["Drafting"]),
        "drafter2": factories.user(email="drafter2@example.org", organisation_=orgs["Drafting"]),
        "silent": factories.user(email="silent@example.org", organisation_=orgs["Silent"]),
        "finished": factories.user(email="finished@example.org", organisation_=orgs["Finished"]),
        "nil": factories.user(email="nil@example.org", organisation_=orgs["Nil"]),
        "closed": factories.user(email="closed@example.org", organisation_=orgs["Closed down"]),
        "opted": factories.user(email="opted@example.org", organisation_=orgs["Opted out"]),
    }
    leads["opted"].reminders_opted_out_at = OPENS
    round_ = rounds.create_round(
        title="Collaboration return 2026", opens_at=OPENS, deadline=DEADLINE, version=rounds.default_version()
    )
    db.session.flush()

    def submission(org, status, name):
        db.session.add(
            Submission(
                round=round_,
                organisation=org,
                created_by=leads["drafter"],
                name=name,
                status=status,
                questionnaire_version_id=round_.questionnaire_version_id,
                answers={},
                page_states={"a": "x"},
            )
        )

    submission(orgs["Drafting"], SubmissionStatus.DRAFT, "Joint fleet workshop")
    submission(orgs["Drafting"], SubmissionStatus.SUBMITTED, "Shared estate")
    submission(orgs["Finished"], SubmissionStatus.SUBMITTED, "Co-responding")
    db.session.add(NilReturn(round_id=round_.id, organisation_id=orgs["Nil"].id, made_by=leads["nil"]))
    db.session.commit()
    return {"orgs": orgs, "leads": leads, "round": round_}


def reminder_emails() -> list[OutboundEmail]:
    return list(
        db.session.scalars(
            select(OutboundEmail).where(OutboundEmail.template == "reminder").order_by(OutboundEmail.id)
        )
    )


def recipients_on(day: datetime) -> list[str]:
    before = {e.id for e in reminder_emails()}
    with time_machine.travel(day, tick=False):
        reminders.run()
        reminders.run()  # the job running twice changes nothing
        db.session.commit()
    return sorted(e.recipient for e in reminder_emails() if e.id not in before)


def at_nine(days_before: int) -> datetime:
    return datetime(2026, 12, 18, 9, 0, 30, tzinfo=UTC) - timedelta(days=days_before)


def test_the_right_people_get_reminders_on_the_right_days(world):
    expected = ["drafter2@example.org", "drafter@example.org", "silent@example.org"]
    assert recipients_on(at_nine(15)) == []
    assert recipients_on(at_nine(14) - timedelta(minutes=5)) == []  # before 9am
    for days in (14, 7, 2, 1):
        assert recipients_on(at_nine(days)) == expected, days
        assert recipients_on(at_nine(days) + timedelta(hours=3)) == []  # later the same day: nothing new
    assert recipients_on(at_nine(0)) == []  # no reminder on the deadline day with the default offsets
    assert recipients_on(DEADLINE + timedelta(days=1)) == []  # no notice after the deadline unless asked for
    assert len(reminder_emails()) == 12


def test_a_reminder_lists_the_projects_and_says_when_the_deadline_is(world):
    recipients_on(at_nine(7))
    email = next(e for e in reminder_emails() if e.recipient == "drafter@example.org")
    assert email.subject == "Reminder: Collaboration return 2026 is due by 11:59pm on Friday 18 December 2026"
    assert "Joint fleet workshop (In progress)" in email.body_text
    assert "Shared estate" not in email.body_text  # already submitted
    assert "(7 days left)" in email.body_text
    assert "http://127.0.0.1:5000/projects/" in email.body_text
    assert "/reminders/opt-out/" in email.body_text and "/reminders/opt-out/" in email.body_html
    assert email.list_unsubscribe and "/reminders/opt-out/" in email.list_unsubscribe
    silent = next(e for e in reminder_emails() if e.recipient == "silent@example.org")
    assert "has not told us about any collaboration projects" in silent.body_text


def test_a_project_submitted_between_planning_and_sending_gets_no_reminder(world):
    with time_machine.travel(at_nine(7), tick=False):
        reminders.plan()
        db.session.commit()
        draft = db.session.scalars(select(Submission).filter_by(name="Joint fleet workshop")).one()
        draft.status = SubmissionStatus.SUBMITTED
        db.session.commit()
        reminders.send_planned()
    assert sorted(e.recipient for e in reminder_emails()) == ["silent@example.org"]
    skipped = db.session.scalars(select(Reminder).filter_by(status=ReminderStatus.SKIPPED)).all()
    assert {r.reason for r in skipped} >= {"nothing outstanding", "opted out"}


def test_a_missed_run_sends_the_latest_reminder_once_but_nothing_after_the_deadline(world):
    # The worker was down from before the 14-day reminder until after the 7-day one.
    assert recipients_on(at_nine(6)) == ["drafter2@example.org", "drafter@example.org", "silent@example.org"]
    assert {r.offset_days for r in db.session.scalars(select(Reminder))} == {7}
    assert recipients_on(DEADLINE + timedelta(minutes=1)) == []


def test_an_organisation_with_an_extension_is_reminded_against_its_own_deadline(world):
    admin = factories.administrator()
    round_ = world["round"]
    rounds.extend_deadline(round_, world["orgs"]["Silent"].id, DEADLINE + timedelta(days=7), by=admin)
    db.session.commit()
    assert "silent@example.org" not in recipients_on(at_nine(14))
    # 11 December: 7 days before the round's deadline, and 14 before Silent's own.
    assert "silent@example.org" in recipients_on(at_nine(7))
    assert recipients_on(at_nine(2) + timedelta(days=7)) == ["silent@example.org"]
    assert recipients_on(DEADLINE + timedelta(days=7, minutes=1)) == []  # its own deadline has passed


def test_the_deadline_passed_notice_goes_the_next_morning_when_asked_for(world):
    world["round"].deadline_passed_notice = True
    db.session.commit()
    morning_after = datetime(2026, 12, 19, 9, 0, 30, tzinfo=UTC)
    recipients = recipients_on(morning_after)
    assert recipients == ["drafter2@example.org", "drafter@example.org", "silent@example.org"]
    assert reminder_emails()[-1].subject == "The deadline for Collaboration return 2026 has passed"


def test_a_mail_server_that_is_down_delays_reminders_but_loses_and_doubles_none(world, smtp, app):
    smtp.stop()
    with time_machine.travel(at_nine(7), tick=False) as traveller:
        reminders.run()
        assert outbox.send_due().retrying == 3
        smtp.start()
        traveller.shift(timedelta(seconds=app.config["OUTBOX_BACKOFF_SECONDS"] + 1))
        reminders.run()
        assert outbox.send_due().sent == 3
        assert outbox.send_due().handled == 0
    assert sorted(m["To"] for m in smtp.wait_for(3)) == [
        "drafter2@example.org",
        "drafter@example.org",
        "silent@example.org",
    ]
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in smtp.messages)


@pytest.mark.postgres_only
def test_two_runs_at_once_send_each_reminder_once(world, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent planners need PostgreSQL (run with TEST_DATABASE_URL)")
    for n in range(40):
        factories.user(email=f"extra{n}@example.org", organisation_=world["orgs"]["Silent"])
    errors = []

    def run():
        try:
            with app.app_context():
                reminders.run(at_nine(7))
                db.session.commit()
                db.session.remove()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    recipients = [e.recipient for e in reminder_emails()]
    assert len(recipients) == len(set(recipients)) == 43


def test_leads_opt_out_from_the_link_and_back_in_from_their_account(world, client):
    lead = world["leads"]["silent"]
    link = reminder_content.opt_out_token(lead)
    page = client.get(f"/reminders/opt-out/{link}")
    assert page.status_code == 200 and "Stop getting deadline reminders" in page.text
    # One click from a mail program: a POST with no form token, as RFC 8058 describes.
    response = client.post(f"/reminders/opt-out/{link}", data={"List-Unsubscribe": "One-Click"})
    assert "You will not get deadline reminders" in response.text
    db.session.refresh(lead)
    assert lead.reminders_opted_out_at is not None
    assert recipients_on(at_nine(14)) == ["drafter2@example.org", "drafter@example.org"]
    assert client.get("/reminders/opt-out/not-a-real-token").status_code == 404

    sign_in(client, "silent@example.org", factories.PASSWORD)
    assert "You do not get deadline reminders" in client.get("/account").text
    submit_form(client, "/account/reminders", {"reminders": "on"}, form_url="/account")
    db.session.refresh(lead)
    assert lead.reminders_opted_out_at is None
    assert "silent@example.org" in recipients_on(at_nine(7))


def test_administrators_see_the_schedule_and_can_send_now(world, client):
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    round_ = world["round"]
    with time_machine.travel(at_nine(10), tick=False):
        sign_in(client, "ada@example.org", factories.PASSWORD)
        page = client.get(f"/admin/rounds/{round_.id}/reminders").text
        assert "14 days before" in page and "9am on Friday 4 December 2026" in page
        assert "Silent" in page and "No return yet" in page
        assert "Finished" not in page.split("Organisations with work outstanding")[1]
        assert client.get(f"/admin/rounds/{round_.id}/reminders/send-now").status_code == 200
        submit_form(client, f"/admin/rounds/{round_.id}/reminders/send-now", {})
        submit_form(client, f"/admin/rounds/{round_.id}/reminders/send-now", {})  # a double click
        reminders.send_planned()
        db.session.commit()
        assert len(reminder_emails()) == 3
        assert "Sent now by an administrator" in client.get(f"/admin/rounds/{round_.id}/reminders").text
        for kind in ("projects", "nothing", "passed"):
            preview = client.get(f"/admin/rounds/{round_.id}/reminders/preview/{kind}")
            assert preview.status_code == 200, kind
            assert "Subject: " in preview.text
            assert client.get(f"/admin/rounds/{round_.id}/reminders/preview/{kind}/html").status_code == 200
        assert client.get(f"/admin/rounds/{round_.id}/reminders/preview/other").status_code == 404


def test_junk_offsets_are_refused_with_a_clear_message(world):
    from app.services.errors import DomainError

    with pytest.raises(DomainError, match="between 0 and 365"):
        rounds.validate_offsets([14, -3])
