"""The audit log page: newest first, filtered by person, organisation, submission, action and dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import AuditEvent
from app.services import audit_log
from app.services.submissions import lifecycle as submissions
from tests import factories
from tests.conftest import sign_in
from tests.records import a_round


@pytest.fixture
def admin(client):
    person = factories.administrator(email="ada@example.org", name="Ada Administrator")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    return person


def event(action, *, at, actor=None, subject=None, organisation=None, ip="192.0.2.1", **details):
    row = AuditEvent(
        action=action,
        occurred_at=at,
        actor_id=actor.id if actor else None,
        subject_type=subject.__tablename__.removesuffix("s") if subject is not None else None,
        subject_id=subject.id if subject is not None else None,
        organisation_id=organisation.id if organisation else None,
        ip_address=ip,
        details=details,
    )
    db.session.add(row)
    db.session.commit()
    return row


def rows(page: str) -> list[str]:
    """The text of each row of the events table, tags stripped, in order."""
    body = page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>")[:-1]]


JUNE = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def history(admin):
    kent = factories.organisation("Kent Police")
    essex = factories.organisation("Essex Police")
    kim = factories.user(organisation_=kent, name="Kim Kentish", email="kim@kent.police.uk")
    esme = factories.user(organisation_=essex, name="Esme Essex", email="esme@essex.police.uk")
    submission = submissions.start(a_round(), by=kim)
    submission.reference = "CP-2026-00042"
    db.session.commit()
    db.session.execute(db.delete(AuditEvent))  # only the events below
    db.session.commit()
    event("sign_in", at=JUNE, actor=kim, subject=kim, organisation=kent)
    event(
        "submission.started", at=JUNE + timedelta(hours=1), actor=kim, subject=submission, organisation=kent
    )
    event("sign_in", at=JUNE + timedelta(days=1), actor=esme, subject=esme, organisation=essex)
    event(
        "user.changed",
        at=JUNE + timedelta(days=2),
        actor=admin,
        subject=kim,
        organisation=kent,
        ip="198.51.100.7",
        name=["Kim Kent", "Kim Kentish"],
    )
    event(
        "organisation.changed",
        at=JUNE + timedelta(days=3),
        actor=admin,
        subject=essex,
        region=[None, "london"],
    )
    return {"kent": kent, "essex": essex, "kim": kim, "esme": esme, "submission": submission}


def test_events_are_shown_newest_first_in_plain_words(client, history):
    page = client.get("/admin/audit").text
    assert "5 events" in page
    shown = rows(page)
    assert shown[0].startswith("10am on Saturday 13 June 2026 Ada Administrator ada@example.org")
    assert "Changed an organisation Essex Police" in shown[0] and "Region: from none to london" in shown[0]
    assert "Changed someone's account Kim Kentish 198.51.100.7 Name: from Kim Kent to Kim Kentish" in shown[1]
    assert "Signed in Esme Essex" in shown[2]
    assert "Started a project Untitled project (CP-2026-00042)" in shown[3]
    assert "Signed in Kim Kentish" in shown[4]
    # Subjects link to their pages.
    assert f'href="/admin/users/{history["kim"].id}"' in page
    assert f'href="/admin/organisations/{history["essex"].id}"' in page
    assert f'href="/review/{history["submission"].id}"' in page


def test_filters_by_person_by_name_or_email_including_what_was_done_to_them(client, history):
    by_name = rows(client.get("/admin/audit?person=kentish").text)
    assert len(by_name) == 3  # Kim's sign-in and project, and the change an administrator made to Kim
    by_email = rows(client.get("/admin/audit?person=ESME@essex").text)
    assert len(by_email) == 1 and "Esme Essex" in by_email[0]
    page = client.get("/admin/audit?person=nobody-at-all").text
    assert "No events match these filters" in page


def test_filters_by_organisation_submission_and_action(client, history):
    essex = rows(client.get(f"/admin/audit?organisation={history['essex'].id}").text)
    assert len(essex) == 2  # Esme's sign-in, and the change to Essex Police itself

    for reference in ("CP-2026-00042", "cp-2026-00042", str(history["submission"].id)):
        shown = rows(client.get(f"/admin/audit?submission={reference}").text)
        assert len(shown) == 1 and "Started a project" in shown[0]
    page = client.get("/admin/audit?submission=CP-2026-99999").text
    assert "There is a problem" in page
    assert "There is no submission with the reference or number CP-2026-99999" in page

    page = client.get("/admin/audit").text
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page.split('name="action"')[1])
    assert ("sign_in", "Signed in") in options
    assert ("user.changed", "Changed someone's account") in options
    assert ("review.approved", "Approved a submission") not in options  # not in this log
    signed_in = rows(client.get("/admin/audit?action=sign_in").text)
    assert len(signed_in) == 2 and all("Signed in" in row for row in signed_in)
    combined = rows(client.get(f"/admin/audit?action=sign_in&organisation={history['kent'].id}").text)
    assert len(combined) == 1 and "Kim Kentish" in combined[0]


def test_filters_by_uk_dates(client, history, admin):
    # 11:30pm UTC on 30 June is 12:30am on 1 July in the UK.
    event("sign_out", at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC), actor=admin)
    july = rows(client.get("/admin/audit?date_from=1&date_from=7&date_from=2026").text)
    assert len(july) == 1 and "Signed out" in july[0]
    june = rows(
        client.get(
            "/admin/audit?date_from=11&date_from=6&date_from=2026&date_to=12&date_to=6&date_to=2026"
        ).text
    )
    assert [row.split(" ")[0] for row in june] == ["10am", "10am"]  # 11 and 12 June


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=31&date_from=2&date_from=2026", "Date from must be a real date"),
        ("date_to=&date_to=6&date_to=2026", "Date to must include a day"),
        (
            "date_from=2&date_from=6&date_from=2026&date_to=1&date_to=6&date_to=2026",
            "Date to must be the same as",
        ),
    ],
)
def test_bad_dates_get_govuk_messages(client, history, query, message):
    page = client.get(f"/admin/audit?{query}")
    assert page.status_code == 200
    assert "There is a problem" in page.text and message in page.text


def test_the_log_is_paged_and_odd_queries_are_harmless(client, history, admin):
    for minute in range(50):
        event("sign_in", at=JUNE - timedelta(minutes=minute + 1), actor=admin)
    first = client.get("/admin/audit").text
    assert "55 events, page 1 of 2" in first
    assert len(rows(first)) == 50
    second = client.get("/admin/audit?page=2").text
    assert len(rows(second)) == 5
    for query in ("page=abc", "page=0", "page=999999", "organisation=abc", "action=<script>", "person=%25"):
        assert client.get(f"/admin/audit?{query}").status_code == 200


def test_the_log_cannot_be_changed_from_the_page(client, history):
    assert client.post("/admin/audit").status_code in (400, 405)


def test_only_administrators_read_the_log(client):
    lead = factories.user()
    sign_in(client, lead.email, factories.PASSWORD)
    assert client.get("/admin/audit").status_code == 403


def test_a_deleted_organisation_is_named_in_its_events(client, admin):
    from tests.conftest import submit_form

    mistake = factories.organisation("Kent Polce")
    submit_form(client, f"/admin/organisations/{mistake.id}/delete", {})
    page = client.get("/admin/audit?action=organisation.deleted").text
    assert "Deleted an organisation Kent Polce (deleted)" in rows(page)[0]


def test_each_filter_is_served_by_an_index(app, history):
    """The page stays quick with millions of events only if each filter reads an index, not every event."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plans are predictable on a small table; PostgreSQL's depend on its statistics")
    cases = {
        "ix_audit_events_actor_time": audit_log.AuditFilters(person="kentish"),
        "ix_audit_events_organisation_time": audit_log.AuditFilters(organisation_id=history["kent"].id),
        "ix_audit_events_subject_time": audit_log.AuditFilters(submission_id=history["submission"].id),
        "ix_audit_events_action_time": audit_log.AuditFilters(action="sign_in"),
        "ix_audit_events_occurred_at": audit_log.AuditFilters(date_from=date(2026, 6, 11)),
    }
    for index, filters in cases.items():
        statement = audit_log.query_for(filters).limit(50)
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert index in plan, f"{filters} is not served by {index}: {plan}"
