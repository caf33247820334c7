"""A round's progress: every active organisation with its state, counts, filters, and the same list as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.extensions import db
from app.formatting import govuk_datetime
from app.models import NilReturn, Organisation, Sector, Submission, SubmissionStatus
from app.models.base import utcnow
from app.services.rounds import deadlines as rounds
from tests import factories
from tests.conftest import sign_in


@pytest.fixture
def admin_client(client):
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    return client


def _project(round_, organisation, status: SubmissionStatus, lead) -> None:
    db.session.add(
        Submission(
            round_id=round_.id,
            organisation_id=organisation.id,
            created_by_id=lead.id,
            questionnaire_version_id=round_.questionnaire_version_id,
            status=status,
            answers={},
            page_states={},
        )
    )


@pytest.fixture
def world():
    now = utcnow()
    round_ = rounds.create_round(
        title="Collaboration return 2027",
        opens_at=now - timedelta(days=10),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    orgs = {
        "submitted": factories.organisation("Avon and Somerset Police", sector=Sector.POLICE),
        "in_progress": factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE),
        "nil_return": factories.organisation("South East Coast Ambulance Service", sector=Sector.AMBULANCE),
        "not_started": factories.organisation('=HYPERLINK("http://x") Police', sector=Sector.POLICE),
    }
    gone = factories.organisation("Abolished Police", sector=Sector.POLICE)
    gone.active = False
    lead = factories.user(organisation_=orgs["submitted"])
    _project(round_, orgs["submitted"], SubmissionStatus.APPROVED, lead)
    _project(round_, orgs["submitted"], SubmissionStatus.IN_REVIEW, lead)
    _project(round_, orgs["submitted"], SubmissionStatus.DRAFT, lead)
    _project(round_, orgs["in_progress"], SubmissionStatus.DRAFT, lead)
    db.session.add(NilReturn(round_id=round_.id, organisation_id=orgs["nil_return"].id, made_by_id=lead.id))
    rounds.extend_deadline(round_, orgs["in_progress"].id, now + timedelta(days=30), by=lead)
    db.session.commit()
    return round_, orgs


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)


def _row(page: str, name: str) -> str:
    start = page.index(f'<td class="govuk-table__cell">{name}</td>')
    return page[start : page.index("</tr>", start)]


def test_every_active_organisation_is_shown_with_its_state_and_the_counts(admin_client, world):
    round_, _ = world
    page = admin_client.get(f"/admin/rounds/{round_.id}/progress").text
    assert "Progress of Collaboration return 2027" in page
    assert "Every active organisation (4)" in page
    for label in ("Submitted: 1", "In progress: 1", "Nil return: 1", "Not started: 1"):
        assert label in _text(page), label
    assert "Abolished Police" not in page
    submitted = _row(page, "Avon and Somerset Police")
    assert "Submitted" in submitted
    assert "3: 1 submitted, 1 approved, 1 in progress" in submitted
    assert "In progress" in _row(page, "Kent Fire and Rescue Service")
    assert "Nil return" in _row(page, "South East Coast Ambulance Service")
    assert "Not started" in _row(page, '=HYPERLINK("http://x") Police')
    assert "on " in _row(page, "Kent Fire and Rescue Service")  # its extended deadline


def test_the_list_filters_by_state_and_sector(admin_client, world):
    round_, _ = world
    url = f"/admin/rounds/{round_.id}/progress"
    page = admin_client.get(f"{url}?state=not_started").text
    assert "Not started: 1 organisation" in page
    assert '=HYPERLINK("http://x") Police' in page and "Avon and Somerset Police</td>" not in page
    police = admin_client.get(f"{url}?sector=police").text
    assert "Police organisations (2)" in police
    assert "Submitted: 1" in _text(police) and "Not started: 1" in _text(police)
    assert "In progress: 0" in _text(police)
    assert "Kent Fire and Rescue Service" not in police
    both = admin_client.get(f"{url}?sector=police&state=submitted").text
    assert "Avon and Somerset Police</td>" in both and "HYPERLINK" not in both.split("<table", 1)[1]
    assert admin_client.get(f"{url}?state=nonsense&sector=;drop").status_code == 200
    assert admin_client.get("/admin/rounds/999999/progress").status_code == 404


def test_the_page_takes_a_handful_of_queries_however_many_organisations(admin_client, world):
    round_, _ = world
    url = f"/admin/rounds/{round_.id}/progress"

    def queries() -> int:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        db.session.expire_all()  # as in production, where each request starts with nothing loaded
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert admin_client.get(url).status_code == 200
            assert admin_client.get(f"{url}.csv").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    for number in range(40):
        db.session.add(Organisation(name=f"Extra Police {number}", sector=Sector.POLICE, active=True))
    db.session.commit()
    assert queries() == few
    assert few <= 12, few  # two requests: each reads the person, the round and four lists


def test_the_csv_is_exactly_the_filtered_list_with_formulas_made_harmless(admin_client, world):
    round_, _ = world
    response = admin_client.get(f"/admin/rounds/{round_.id}/progress.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the character set said once
    assert 'filename="round-' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "Organisation",
        "Sector",
        "State",
        "Projects",
        "Projects submitted",
        "Projects in progress",
        "Statuses",
        "Extended deadline",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert len(by_name) == 4
    assert by_name["Avon and Somerset Police"][1:7] == [
        "Police",
        "Submitted",
        "3",
        "2",
        "1",
        "1 submitted, 1 approved, 1 in progress",
    ]
    assert by_name["Kent Fire and Rescue Service"][2] == "In progress"
    [extension] = round_.extensions
    assert by_name["Kent Fire and Rescue Service"][7] == govuk_datetime(extension.deadline)
    assert by_name["Avon and Somerset Police"][7] == ""
    assert by_name["South East Coast Ambulance Service"][2] == "Nil return"
    assert by_name['\'=HYPERLINK("http://x") Police'][2] == "Not started"

    filtered = admin_client.get(f"/admin/rounds/{round_.id}/progress.csv?state=nil_return&sector=ambulance")
    assert "nil-return-ambulance" in filtered.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(filtered.get_data().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["South East Coast Ambulance Service"]
