"""Find collaboration projects: search, filters, visibility and the record page, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from app.models import Sector
from tests import factories
from tests.conftest import sign_in
from tests.records import a_round, published


@pytest.fixture
def library(app):
    round_ = a_round()
    kent_police = factories.organisation("Kent Police", sector=Sector.POLICE)
    kent_fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    ambulance = factories.organisation("South East Coast Ambulance Service", sector=Sector.AMBULANCE)
    approver = factories.reviewer(email="rhys@example.org")
    made = {
        "coresponding": published(
            round_,
            kent_fire,
            name="Kent co-responding",
            partners=[ambulance],
            approver=approver,
            summary="Firefighters respond to cardiac arrests alongside paramedics in rural Kent.",
        ),
        "estates": published(
            round_,
            kent_police,
            name="Shared estates in Maidstone",
            partners=[kent_fire],
            approver=approver,
            summary="Police and fire share a station, cutting running costs.",
            themes=["shared_estates"],
            has_evaluation="yes",
        ),
        "sector_only": published(
            round_,
            kent_police,
            name="Joint control room",
            partners=[kent_fire, ambulance],
            approver=approver,
            summary="One control room takes emergency calls for police and fire.",
            sharing="sector",
            themes=["joint_control_rooms"],
        ),
        "figures_only": published(
            round_,
            ambulance,
            name="Secret fleet workshop",
            partners=[kent_fire],
            approver=approver,
            summary="Shared vehicle maintenance workshop.",
            sharing="figures_only",
            themes=["fleet_and_equipment"],
        ),
    }
    factories.user(email="lee@example.org", organisation_=kent_police)
    return made


def names(page: str, library) -> set[str]:
    return {key for key, record in library.items() if f'/find/records/{record.id}"' in page}


def test_signed_in_people_find_public_and_sector_records_but_never_figures_only(client, library):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get("/find").text
    assert names(page, library) == {"coresponding", "estates", "sector_only"}
    assert "3 projects" in page
    assert client.get(f"/find/records/{library['figures_only'].id}").status_code == 404
    assert "Secret fleet" not in client.get("/find?q=workshop").text
    assert client.get(f"/find/records/{library['sector_only'].id}").status_code == 200


def test_search_ranks_and_highlights_with_prefixes(client, library):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get("/find?q=cardiac").text
    assert names(page, library) == {"coresponding"}
    assert "<mark>cardiac</mark>" in page.lower()
    # The project name and its summary are told apart in the passage shown, not run together.
    page = client.get("/find?q=kent").text
    assert re.search(r"<mark>Kent</mark> co-responding · \w", page), page
    assert names(client.get("/find?q=cardi").text, library) == {"coresponding"}  # a prefix still finds it
    assert names(client.get("/find?q=station costs").text, library) == {"estates"}
    page = client.get("/find?q=nothing+like+this").text
    assert "There are no matching projects" in page


def test_a_republished_record_is_found_by_its_new_words_and_no_longer_by_its_old(client, library):
    """The full-text index follows a record's name and answers (on PostgreSQL a table of its own, written when
    the record is published, no longer a column PostgreSQL computes)."""
    import json

    from sqlalchemy import text

    from app.extensions import db
    from app.models import User
    from app.questionnaires.loader import default_questionnaire
    from app.services.find import publishing

    record = library["estates"]
    revision = record.revision
    revision.answers = {
        **revision.answers,
        "project_name": "Shared estates in Tonbridge",
        "summary": "Police and fire share a depot, cutting running costs.",
    }
    publishing.publish(
        record.submission, revision, default_questionnaire(), by=db.session.get(User, record.approved_by_id)
    )
    db.session.commit()

    sign_in(client, "lee@example.org", factories.PASSWORD)
    for word, found in (("tonbridge", True), ("depot", True), ("maidstone", False), ("station", False)):
        page = client.get(f"/find?q={word}").text  # ranked, most relevant first
        assert (names(page, library) == {"estates"}) is found, word
        listed = json.loads(client.get(f"/find/download.json?q={word}&sort=name").get_data(as_text=True))
        assert ([row["id"] for row in listed] == [record.id]) is found, word
    if db.engine.dialect.name == "postgresql":
        vectors = db.session.execute(
            text(
                "SELECT v.search_vector = setweight(to_tsvector('english', r.name), 'A') || "
                "setweight(to_tsvector('english', r.search_text), 'B') "
                "FROM record_search_vectors v JOIN records r ON r.id = v.record_id WHERE v.record_id = :id"
            ),
            {"id": record.id},
        ).scalars()
        assert list(vectors) == [True]


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "NEAR(a b)",
        "a OR b",
        "*",
        "'; DROP TABLE records; --",
        "x" * 10_000,
        "ñandú 東京 🚒",
        "c++ -x",
    ],
)
def test_any_query_string_gives_results_or_no_results_never_an_error(client, library, query):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    response = client.get("/find", query_string={"q": query})
    assert response.status_code == 200


def test_filters_with_counts_and_unknown_values_ignored(client, library):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get("/find?themes=shared_estates").text
    assert names(page, library) == {"estates"}
    page = client.get("/find?combination=police_fire_ambulance").text
    assert names(page, library) == {"sector_only"}
    page = client.get("/find?services=ambulance").text
    assert names(page, library) == {"coresponding", "sector_only"}
    page = client.get("/find?has_evaluation=yes&themes=shared_estates&themes=co_responding").text
    assert names(page, library) == {"estates"}
    page = client.get("/find?themes=moon_bases").text
    assert "We ignored a filter we did not recognise (themes)" in page
    assert names(page, library) == {"coresponding", "estates", "sector_only"}
    assert "Remove this filter" in client.get("/find?themes=shared_estates").text


def test_anonymous_people_need_to_sign_in_unless_the_database_is_public(client, app, library):
    response = client.get("/find")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    app.config["PUBLIC_DATABASE"] = True
    page = client.get("/find").text
    assert names(page, library) == {"coresponding", "estates"}
    assert client.get(f"/find/records/{library['sector_only'].id}").status_code == 404
    record_page = client.get(f"/find/records/{library['estates'].id}").text
    assert "Casey Contact" not in record_page  # contact details are for signed-in people only
    assert "Sign in</a> to see who to contact" in record_page


def test_the_record_page_shows_partners_related_and_contacts(client, library):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get(f"/find/records/{library['estates'].id}").text
    assert "Kent Fire and Rescue Service" in page and "/find/organisations/" in page
    assert "Casey Contact" in page
    assert "Approved" in page


def test_the_api_follows_the_same_filters_and_visibility(client, app, library):
    response = client.get("/api/v1/records")
    assert response.status_code == 302  # not public: sign in first
    app.config["PUBLIC_DATABASE"] = True
    data = client.get("/api/v1/records?themes=shared_estates").json
    assert [r["name"] for r in data["data"]] == ["Shared estates in Maidstone"]
    assert data["meta"]["total"] == 1
    assert "contact_name" not in data["data"][0]["answers"]
    anonymous = client.get("/api/v1/records").json
    assert {r["name"] for r in anonymous["data"]} == {"Kent co-responding", "Shared estates in Maidstone"}
    sign_in(client, "lee@example.org", factories.PASSWORD)
    signed_in = client.get("/api/v1/records?q=control").json
    assert [r["name"] for r in signed_in["data"]] == ["Joint control room"]
    assert signed_in["data"][0]["answers"]["contact_name"] == "Casey Contact"
    assert client.get("/api/v1/records?themes=nope").json["meta"]["ignored_filters"] == ["themes"]
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/api/v1/records" in spec["paths"]


def test_downloads_hold_exactly_the_filtered_view(client, library):
    import io
    import json

    from openpyxl import load_workbook

    sign_in(client, "lee@example.org", factories.PASSWORD)
    response = client.get("/find/download.csv?themes=shared_estates")
    assert response.headers["Content-Disposition"].startswith("attachment")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    assert "Shared estates in Maidstone" in text
    assert "Kent co-responding" not in text and "Secret fleet" not in text
    data = json.loads(client.get("/find/download.json").get_data(as_text=True))
    assert {r["name"] for r in data} == {
        "Kent co-responding",
        "Shared estates in Maidstone",
        "Joint control room",
    }
    workbook = load_workbook(io.BytesIO(client.get("/find/download.xlsx?q=control").data))
    rows = list(workbook["Projects"].iter_rows(values_only=True))
    assert len(rows) == 2 and "Joint control room" in rows[1]
    assert "Data dictionary" in workbook.sheetnames
    assert "Column" in client.get("/find/download.dictionary.csv").get_data(as_text=True)
    assert client.get("/find/download.exe").status_code == 404


def test_figures_count_figures_only_records_and_follow_the_filters(client, library):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get("/find/figures").text
    assert 'role="img"' in page and "<table" in page
    # From the figures-only record: counted, never shown, and a count of fewer than 3 is withheld.
    assert re.search(r"Fleet and equipment</th>\s*<td[^>]*>fewer than 3</td>", page)
    assert "Secret fleet" not in page
    filtered = client.get("/find/figures?themes=shared_estates").text
    assert "Fleet and equipment" not in filtered


def test_the_overview_report_in_html_and_pdf(client, library):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get("/find/overview").text
    assert "Collaboration overview" in page and "Kent co-responding" in page
    assert "Secret fleet" not in page
    # The figures-only record is counted in the figures, as on the figures page, never described.
    assert "It counts 4 projects and describes 3 of them" in " ".join(page.split())
    pdf = client.get("/find/overview.pdf?themes=co_responding")
    assert pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"


def test_a_record_answered_on_a_later_version_reads_with_that_versions_questions(client, app):
    from pathlib import Path

    from app.services.rounds import deadlines as rounds

    shipped = Path(app.root_path) / "questionnaires" / "definitions" / "collaboration-2026.1.yaml"
    text = shipped.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2027.1"', 1)
    text = text.replace("short_label: Lessons learnt", "short_label: What we would do differently", 1)
    version = rounds.register_version(text)
    round_ = a_round("Collaboration return 2027")
    round_.questionnaire_version_id = version.id
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    record = published(round_, fire, name="Joint drone unit", partners=[police], summary="Drones for both.")
    factories.user(email="lee@example.org", organisation_=police)
    sign_in(client, "lee@example.org", factories.PASSWORD)

    page = client.get(f"/find/records/{record.id}").text

    assert "What we would do differently" in page
    assert "Agree the data sharing first." in page
