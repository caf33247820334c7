"""Administrators create and change rounds; `flask rounds create` does the same from a shell."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Round
from tests import factories
from tests.conftest import sign_in, submit_form

FORM = {
    "title": "Collaboration return 2027",
    "opens_date": ["1", "10", "2027"],
    "opens_time": "9am",
    "deadline_date": ["18", "12", "2027"],
    "deadline_time": "11:59pm",
    "reminder_offsets": "14, 7, 2, 1",
    "questionnaire": "shipped",  # the version that comes with the service, stored when first chosen
}


def test_an_administrator_creates_a_round_in_uk_time(client):
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    response = submit_form(client, "/admin/rounds/new", FORM)
    assert response.headers["Location"] == "/admin/rounds"
    round_ = db.session.scalars(select(Round)).one()
    assert round_.opens_at == datetime(2027, 10, 1, 8, 0, tzinfo=UTC)  # 9am British Summer Time
    assert round_.deadline == datetime(2027, 12, 18, 23, 59, tzinfo=UTC)
    assert round_.reminder_offsets == [14, 7, 2, 1]
    listing = client.get("/admin/rounds").text
    assert "11:59pm on Saturday 18 December 2027" in listing
    assert (
        db.session.scalar(select(AuditEvent.action).where(AuditEvent.action.like("round.%")))
        == "round.created"
    )


def test_round_mistakes_get_govuk_messages_and_create_nothing(client):
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    bad = {
        **FORM,
        "title": "",
        "opens_date": ["31", "2", "2027"],
        "deadline_date": ["", "12", "2027"],
        "deadline_time": "25 o'clock",
        "reminder_offsets": "14, seven, -1",
    }
    page = submit_form(client, "/admin/rounds/new", bad).text
    for message in (
        "Enter a title for the round",
        "Opening date must be a real date",
        "Deadline date must include a day",
        "Deadline time must be a time, like 9am or 11:59pm",
        "Reminder days must be whole numbers separated by commas",
    ):
        assert message in page, message
    assert 'href="#opens_date-day"' in page
    page = submit_form(client, "/admin/rounds/new", {**FORM, "deadline_date": ["1", "9", "2027"]}).text
    assert "The deadline must be after the opening time" in page
    # The round's year is the deadline's: a title naming another year is questioned, and the hint says so.
    page = html.unescape(client.get("/admin/rounds/new").text)
    assert "The round's year is the deadline's: references will read CP-<year>-…" in page
    wrong_year = {**FORM, "title": "Collaboration return 2026", "opens_date": ["1", "10", "2026"]}
    page = html.unescape(submit_form(client, "/admin/rounds/new", wrong_year).text)
    assert (
        "The title names 2026 but the deadline is in 2027, the year its references will have: change the "
        "title or the deadline"
    ) in page
    assert "References will read CP-2027-…" in page
    tampered = submit_form(client, "/admin/rounds/new", {**FORM, "opens_date": ["1"]})
    assert tampered.status_code == 200
    assert db.session.scalars(select(Round)).all() == []


def test_an_administrator_changes_a_round(client, runner):
    factories.administrator(email="ada@example.org")
    result = runner.invoke(
        args=[
            "rounds",
            "create",
            "--title",
            "Return 2027",
            "--opens",
            "2027-01-05T09:00",
            "--deadline",
            "2027-02-01T17:00",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "deadline 5pm on Monday 1 February 2027" in result.output
    round_ = db.session.scalars(select(Round)).one()
    sign_in(client, "ada@example.org", factories.PASSWORD)
    form = client.get(f"/admin/rounds/{round_.id}").text
    assert 'value="Return 2027"' in form and 'value="17:00"' in form
    response = submit_form(
        client,
        f"/admin/rounds/{round_.id}",
        {
            **FORM,
            "title": "Return 2027",
            "opens_date": ["5", "1", "2027"],
            "deadline_date": ["8", "2", "2027"],
            "reminder_offsets": "3, 10",
            "questionnaire": str(round_.questionnaire_version_id),
        },
    )
    assert response.status_code == 302
    db.session.refresh(round_)
    assert round_.deadline == datetime(2027, 2, 8, 23, 59, tzinfo=UTC)
    assert round_.reminder_offsets == [10, 3]


def test_rounds_create_refuses_junk(runner):
    result = runner.invoke(
        args=["rounds", "create", "--title", "X", "--opens", "soon", "--deadline", "later"]
    )
    assert result.exit_code != 0
    assert "must be a date and time like 2026-12-18T23:59" in result.output
    result = runner.invoke(
        args=[
            "rounds",
            "create",
            "--title",
            "X",
            "--opens",
            "2027-01-05T09:00",
            "--deadline",
            "2027-02-01T17:00",
            "--reminders",
            "7,x",
        ]
    )
    assert result.exit_code != 0
    assert db.session.scalars(select(Round)).all() == []
