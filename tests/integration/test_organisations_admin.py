"""Administrators find, add, change, deactivate, delete and import organisations."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Organisation, Region, Role, Sector, User
from app.services.submissions import lifecycle as submissions
from tests import factories
from tests.conftest import csrf_token, sign_in, submit_form
from tests.records import a_round


@pytest.fixture
def admin(client):
    person = factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    return person


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_list_searches_filters_counts_and_pages(client, admin):
    kent = factories.organisation("Kent Police")
    factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    factories.organisation("Essex Police", region=Region.EAST_OF_ENGLAND)
    btp = factories.organisation("British Transport Police", region=None)
    btp.active = False
    db.session.commit()
    factories.user(organisation_=kent)
    factories.user(organisation_=kent)
    submissions.start(a_round(), by=factories.user(organisation_=kent))
    db.session.commit()

    page = client.get("/admin/organisations?q=kent").text
    assert "Kent Police" in page and "Kent Fire and Rescue Service" in page
    assert "Essex Police" not in page
    assert "2 organisations" in page

    page = client.get("/admin/organisations?q=KENT&sector=police").text
    assert "1 organisation" in page
    row = page[page.index("Kent Police") :]
    # Kent Police's users (three leads) and its one submission.
    assert [cell.strip() for cell in _cells(row)[2:4]] == ["3", "1"]

    assert "British Transport Police" in client.get("/admin/organisations?region=national").text
    deactivated = client.get("/admin/organisations?status=deactivated").text
    assert "British Transport Police" in deactivated and "Kent Police" not in deactivated
    assert "Essex Police" in client.get("/admin/organisations?region=east_of_england&status=active").text

    for index in range(55):
        factories.organisation(f"Zeta Service {index:02d}")
    first = client.get("/admin/organisations?q=zeta").text
    assert "55 organisations, page 1 of 2" in first
    raw = client.get("/admin/organisations?q=zeta").get_data(as_text=True)
    assert 'href="/admin/organisations?page=2&amp;q=zeta"' in raw
    second = client.get("/admin/organisations?q=zeta&page=2").text
    assert "Zeta Service 54" in second and "Zeta Service 00" not in second


def _cells(html: str) -> list[str]:
    import re

    return re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', html, re.DOTALL)


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=-1", "page=99999999999", "sector=bogus&region=atlantis&status=maybe", "q=%25_"],
)
def test_odd_queries_show_a_page_not_an_error(client, admin, query):
    factories.organisation("Kent Police")
    assert client.get(f"/admin/organisations?{query}").status_code == 200


def test_an_administrator_adds_and_changes_an_organisation(client, admin):
    form = {"name": "  Dorset Police ", "sector": "police", "region": "south_west"}
    response = submit_form(client, "/admin/organisations/new", form)
    organisation = db.session.scalars(select(Organisation)).one()
    assert response.headers["Location"] == f"/admin/organisations/{organisation.id}"
    assert (organisation.name, organisation.sector, organisation.region) == (
        "Dorset Police",
        Sector.POLICE,
        Region.SOUTH_WEST,
    )
    assert "Dorset Police has been added" in client.get(response.headers["Location"]).text

    url = f"/admin/organisations/{organisation.id}/edit"
    submit_form(client, url, {"name": "Dorset and Devon Police", "sector": "police", "region": "national"})
    db.session.refresh(organisation)
    assert organisation.name == "Dorset and Devon Police" and organisation.region is None
    assert actions() == ["sign_in", "organisation.created", "organisation.changed"]
    changed = db.session.scalars(select(AuditEvent).filter_by(action="organisation.changed")).one()
    assert changed.details["name"] == ["Dorset Police", "Dorset and Devon Police"]
    assert changed.subject_type == "organisation" and changed.subject_id == organisation.id


def test_organisation_mistakes_get_govuk_messages_and_change_nothing(client, admin):
    factories.organisation("Kent Police")
    page = submit_form(client, "/admin/organisations/new", {"name": "", "sector": "", "region": ""}).text
    for message in (
        "There is a problem",
        "Enter the organisation's name",
        "Select the organisation's sector",
        "Select the organisation's region, or national",
    ):
        assert message in page
    form = {"name": "KENT police", "sector": "police", "region": "south_east"}
    page = submit_form(client, "/admin/organisations/new", form).text
    assert "There is already an organisation called Kent Police" in page
    page = submit_form(
        client, "/admin/organisations/new", {"name": "Elsewhere", "sector": "navy", "region": "atlantis"}
    ).text
    assert "Select the organisation's sector" in page
    assert db.session.scalar(select(func.count(Organisation.id))) == 1

    other = factories.organisation("Essex Police")
    page = submit_form(
        client,
        f"/admin/organisations/{other.id}/edit",
        {"name": "Kent Police", "sector": "police", "region": "south_east"},
    ).text
    assert "There is already an organisation called Kent Police" in page
    db.session.refresh(other)
    assert other.name == "Essex Police"


def test_unknown_organisations_are_not_found(client, admin):
    for path in ("", "/edit", "/deactivate", "/reactivate", "/delete"):
        assert client.get(f"/admin/organisations/999{path}").status_code == 404
    for url in ("/admin/users/999", "/admin/users/999/edit", "/admin/users/999/deactivate"):
        assert client.get(url).status_code == 404
    assert client.get("/admin/organisations/abc").status_code == 404


def test_deactivating_an_organisation_closes_its_leads_accounts_after_a_confirmation(client, admin):
    kent = factories.organisation("Kent Police")
    lead = factories.user(organisation_=kent, name="Lee Lead")
    reviewer = factories.reviewer(organisation_=kent)
    url = f"/admin/organisations/{kent.id}/deactivate"

    page = client.get(url).text
    assert "Deactivate Kent Police" in page
    assert "its collaboration leads can no longer sign in" in page
    assert "Lee Lead" in page and lead.email in page
    assert kent.active  # nothing happens until it is confirmed

    response = submit_form(client, url, {})
    assert response.headers["Location"] == f"/admin/organisations/{kent.id}"
    assert (
        "Kent Police has been deactivated, and 1 lead can no longer sign in"
        in client.get(response.headers["Location"]).text
    )
    db.session.refresh(kent)
    db.session.refresh(lead)
    db.session.refresh(reviewer)
    assert not kent.active and not lead.active and reviewer.active
    assert "organisation.deactivated" in actions() and "user.deactivated" in actions()

    # It can no longer be picked for a new person.
    assert "Kent Police" not in client.get("/admin/users/invite").text
    # A deactivated lead cannot be reactivated while their organisation is deactivated.
    page = client.get(f"/admin/users/{lead.id}").text
    assert "Kent Police is deactivated: change Lee Lead's organisation to an active one" in page

    response = submit_form(client, f"/admin/organisations/{kent.id}/reactivate", {})
    db.session.refresh(kent)
    db.session.refresh(lead)
    assert kent.active and not lead.active  # people are reactivated one by one


def test_an_organisation_with_submissions_is_never_deleted(client, admin):
    kent = factories.organisation("Kent Police")
    lead = factories.user(organisation_=kent)
    submissions.start(a_round(), by=lead)
    db.session.commit()

    page = client.get(f"/admin/organisations/{kent.id}").text
    assert "Delete Kent Police" not in page
    assert "Kent Police cannot be deleted because it has 1 submission, 1 user" in page

    token = csrf_token(client, f"/admin/organisations/{kent.id}/delete")
    response = client.post(f"/admin/organisations/{kent.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "There is a problem" in page
    assert "Kent Police cannot be deleted because it has 1 submission" in page
    assert db.session.get(Organisation, kent.id) is not None
    assert "organisation.deleted" not in actions()


def test_an_organisation_nothing_refers_to_is_deleted(client, admin):
    mistake = factories.organisation("Kent Polce")
    page = client.get(f"/admin/organisations/{mistake.id}").text
    assert "Delete Kent Polce" in page
    response = submit_form(client, f"/admin/organisations/{mistake.id}/delete", {})
    assert response.headers["Location"] == "/admin/organisations"
    db.session.expire_all()
    assert db.session.get(Organisation, mistake.id) is None
    event = db.session.scalars(select(AuditEvent).filter_by(action="organisation.deleted")).one()
    assert event.details["name"] == "Kent Polce"


def upload(client, url, content: bytes, filename="organisations.csv"):
    token = csrf_token(client, url)
    return client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def confirm_fields(html: str) -> dict:
    import re

    content = re.search(r'name="content"[^>]*value="([^"]*)"', html) or re.search(
        r'value="([^"]*)"[^>]*name="content"', html
    )
    fingerprint = re.search(r'name="fingerprint"[^>]*value="([^"]*)"', html) or re.search(
        r'value="([^"]*)"[^>]*name="fingerprint"', html
    )
    assert content and fingerprint, "No confirmation form on the page"
    return {"content": content.group(1), "fingerprint": fingerprint.group(1)}


def test_an_import_shows_what_will_change_then_imports_it(client, admin):
    kent = factories.organisation("Kent Police")
    lead = factories.user(organisation_=kent)
    factories.organisation("Essex Police", region=Region.EAST_OF_ENGLAND)
    content = (
        b"name,sector,region,active\n"
        b"Kent Police,police,south_east,no\n"
        b"Essex Police,police,east_of_england,yes\n"
        b"Dorset Police,police,south_west,yes\n"
    )
    response = upload(client, "/admin/organisations/import", content)
    page = response.text
    assert "Check the organisations before you import them" in page
    assert "Importing it will add 1, change 1 and leave 1 unchanged" in page
    assert "Dorset Police" in page
    assert "1 collaboration lead will lose access" in page
    assert db.session.scalar(select(func.count(Organisation.id))) == 2  # nothing yet

    fields = confirm_fields(response.get_data(as_text=True))
    response = submit_form(
        client, "/admin/organisations/import/confirm", fields, form_url="/admin/organisations/import"
    )
    assert response.headers["Location"] == "/admin/organisations"
    listing = client.get("/admin/organisations").text
    assert "Organisations imported: 1 added, 1 changed, 1 unchanged" in listing
    db.session.expire_all()
    assert not db.session.get(Organisation, kent.id).active
    assert not db.session.get(User, lead.id).active
    event = db.session.scalars(select(AuditEvent).filter_by(action="organisations.imported")).one()
    assert event.details["added_names"] == ["Dorset Police"] and event.actor_id == admin.id


def test_a_stale_import_confirmation_shows_the_check_again(client, admin):
    content = b"name,sector\nDorset Police,police\n"
    fields = confirm_fields(upload(client, "/admin/organisations/import", content).get_data(as_text=True))
    factories.organisation("Dorset Police", sector=Sector.FIRE_AND_RESCUE)
    page = submit_form(
        client, "/admin/organisations/import/confirm", fields, form_url="/admin/organisations/import"
    ).text
    assert "The organisations changed after you checked the file" in page
    assert db.session.scalars(select(Organisation)).one().sector == Sector.FIRE_AND_RESCUE


def test_an_import_with_any_bad_line_reports_every_problem_and_imports_nothing(client, admin):
    content = b"name,sector,region\nDorset Police,police,south_west\n,police,\nWessex,navy,atlantis\n"
    page = upload(client, "/admin/organisations/import", content).text
    assert "There is a problem" in page
    assert "The selected file has 3 problems: fix them and upload it again" in page
    assert "Enter a name" in page
    assert "Sector must be one of" in page and "Region must be one of" in page
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "organisations.csv", "Select a CSV file"),
        (b"name,sector\n" + "Caf\xe9 Police,police\n".encode("latin-1"), "o.csv", "must be saved as UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.csv", "The selected file must be a CSV"),
        (b"name,sector\nKent,police\n", "organisations.xlsx", "The selected file must be a CSV"),
        (b"name,sector\n" + b"x" * (301 * 1024), "big.csv", "The selected file must be smaller than 300 KB"),
        (b"  \n", "blank.csv", "The selected file is empty"),
    ],
)
def test_files_that_are_not_csv_get_a_message_not_an_error(client, admin, content, filename, message):
    if content:
        response = upload(client, "/admin/organisations/import", content, filename)
    else:
        token = csrf_token(client, "/admin/organisations/import")
        response = client.post("/admin/organisations/import", data={"csrf_token": token})
    assert response.status_code == 200
    assert message in response.text
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_a_tampered_confirmation_is_refused(client, admin):
    response = submit_form(
        client,
        "/admin/organisations/import/confirm",
        {"content": "not base64!", "fingerprint": "x"},
        form_url="/admin/organisations/import",
    )
    assert response.headers["Location"] == "/admin/organisations/import"
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_only_administrators_manage_organisations(client):
    kent = factories.organisation("Kent Police")
    lead = factories.user(organisation_=kent, role=Role.LEAD)
    sign_in(client, lead.email, factories.PASSWORD)
    assert client.get(f"/admin/organisations/{kent.id}").status_code == 403
    token = csrf_token(client, "/account")
    response = client.post(f"/admin/organisations/{kent.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 403
    db.session.refresh(kent)
    assert kent.active
