"""The disclosure rule across the overview (HTML, PDF and Word), organisation pages and who works with whom: a
figures-only project whose theme, stage, region, services, round, enabler, barrier, savings and evaluation are
its own never shows up as a small number, to a reader on a public instance or someone signed in. On SQLite and
PostgreSQL."""

from __future__ import annotations

import html
import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from app.extensions import db
from app.models import Region, Sector
from tests import factories
from tests.conftest import sign_in, submit_form
from tests.records import a_round, published

HIDDEN = "Zanzibar fleet workshop"
# What only the figures-only project has: each would be counted as 1 if the rule were not followed.
ITS_OWN = (
    "Fleet and equipment",  # theme
    "Ended",  # stage
    "Wales",  # region of its lead
    "Fire and ambulance",  # services involved
    "Return of 2019",  # its round
    "Funding",  # enabler
    "Changes of leaders",  # barrier
)
SMALL = re.compile(r"^[\s:()\u2013\-|]*(?:<[^>]*>\s*)*[12](?![\d,%])")


def _three_shared_stations(round_, police, fire, approver, **answers) -> None:
    """Three public projects on shared estates, alike in every way: enough for any figure to be shown."""
    for number in range(3):
        published(
            round_,
            police,
            name=f"Shared station {number}",
            partners=[fire],
            approver=approver,
            summary="A shared station.",
            themes=["shared_estates"],
            **answers,
        )


@pytest.fixture
def disclosure_world(app):
    common = a_round("Return of 2026")
    own_round = a_round("Return of 2019", year=2019)
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    welsh_fire = factories.organisation(
        "Dyfed Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE, region=Region.WALES
    )
    welsh_ambulance = factories.organisation(
        "Welsh Ambulance Service", sector=Sector.AMBULANCE, region=Region.WALES
    )
    approver = factories.reviewer(email="rhys@example.org")
    _three_shared_stations(
        common, police, fire, approver, stage="implemented", enablers=["leadership"], barriers=["culture"]
    )
    published(
        own_round,
        welsh_fire,
        name=HIDDEN,
        partners=[welsh_ambulance],
        approver=approver,
        summary="Secret.",
        sharing="figures_only",
        themes=["fleet_and_equipment"],
        stage="ended",
        enablers=["funding"],
        barriers=["leadership_changes"],
        has_evaluation="yes",
        cashable_savings="777777",
    )
    factories.user(email="lee@example.org", organisation_=police)
    db.session.commit()
    return {"welsh_fire": welsh_fire, "welsh_ambulance": welsh_ambulance, "police": police, "fire": fire}


def text_of(page: str) -> str:
    """What a reader reads: the text, and the SVGs' titles and descriptions, with whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader (or a screen reader) gets it, with whitespace collapsed."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def word_text(data: bytes) -> tuple[str, list[str]]:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join("\n".join([p.text for p in document.paragraphs] + cells).split()), cells


def assert_never_small(text: str, where: str) -> None:
    assert HIDDEN not in text and "Secret." not in text, where
    assert "777,777" not in text and "777777" not in text, where
    assert not re.search(r"\b[12] (?:projects?|organisations?)\b", text), where
    assert "25%" not in text, where  # 1 project of 4
    for label in ITS_OWN:
        for found in re.finditer(re.escape(label), text):
            after = text[found.end() : found.end() + 40]
            assert not SMALL.match(after), f"{where}: {label}{after}"


def assert_page_never_small(page: str, where: str) -> None:
    assert not re.search(r'--numeric">\s*(?:<strong>)?\s*[12]\s*<', page), where  # no table cell says 1 or 2
    assert not re.search(r">\s*[12]\s*</text>", page), where  # nor any chart or map label
    assert_never_small(text_of(page), where)


def check_overview(client, edition: str, who: str) -> None:
    page = client.get(f"/find/overview?edition={edition}").text
    assert "fewer than 3" in page  # the hidden project's own values are there, withheld
    assert "Fleet and equipment (fewer than 3)" in text_of(page)
    assert "not shown" in page  # Wales on the map
    assert_page_never_small(page, f"{who} {edition} HTML")

    text, cells = word_text(client.get(f"/find/overview.docx?edition={edition}").data)
    assert "fewer than 3" in text
    assert not {"1", "2"} & {cell.strip() for cell in cells}, f"{who} {edition} Word"
    assert_never_small(text, f"{who} {edition} Word")

    text = pdf_text(client.get(f"/find/overview.pdf?edition={edition}").data)
    assert "fewer than 3" in text
    assert_never_small(text, f"{who} {edition} PDF")


def check_organisations(client, world, who: str) -> None:
    for key in ("welsh_fire", "welsh_ambulance"):
        page = client.get(f"/find/organisations/{world[key].id}").text
        assert_page_never_small(page, f"{who} organisation page")
        assert "Fleet and equipment" not in page  # its only project is not one this page may describe
    page = client.get("/find/who-works-with-whom").text
    assert "Welsh Ambulance Service" not in page and "Dyfed Fire" not in page
    assert "in the 3 projects you can see" in text_of(page)
    assert_page_never_small(page, f"{who} who works with whom")
    pair = client.get(
        f"/find/who-works-with-whom/organisations/{world['welsh_fire'].id}/{world['welsh_ambulance'].id}"
    )
    assert HIDDEN not in pair.text
    sectors = client.get("/find/who-works-with-whom/sectors/fire_and_rescue/ambulance")
    assert HIDDEN not in sectors.text


def test_a_figures_only_project_never_shows_as_a_small_number_on_a_public_instance(
    client, app, disclosure_world
):
    app.config["PUBLIC_DATABASE"] = True
    check_overview(client, "published", "anonymous")
    check_organisations(client, disclosure_world, "anonymous")


def test_a_figures_only_project_never_shows_as_a_small_number_to_someone_signed_in(
    client, app, disclosure_world
):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    for edition in ("published", "sector"):
        check_overview(client, edition, "signed in")
    check_organisations(client, disclosure_world, "signed in")
    submit_form(client, "/sign-out", {}, form_url="/find")


def test_a_theme_with_three_projects_one_figures_only_is_shown_in_full(client, app, disclosure_world):
    """The rule withholds only what is small: the public projects' figures are all there."""
    app.config["PUBLIC_DATABASE"] = True
    text = text_of(client.get("/find/overview?edition=published").text)
    assert "4 collaboration projects" in text
    assert "Shared estates (3)" in text
    assert "South East: 3" in text


def test_filters_that_select_only_the_figures_only_project_show_no_figure(client, app, disclosure_world):
    app.config["PUBLIC_DATABASE"] = True
    response = client.get("/find/overview?edition=published&themes=fleet_and_equipment")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Fewer than 3 collaboration projects match these filters" in text
    assert "It counts fewer than 3 projects and describes 0 of them" in text
    assert_page_never_small(response.text, "filtered HTML")
    query = "edition=published&themes=fleet_and_equipment"
    word, _cells = word_text(client.get(f"/find/overview.docx?{query}").data)
    assert "Fewer than 3 collaboration projects match these filters" in word
    assert_never_small(word, "filtered Word")
    pdf = client.get(f"/find/overview.pdf?{query}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


SECTOR_ONLY = "Ystradgynlais tabletop exercise"


@pytest.fixture
def sector_only_world(app):
    """Three public projects on shared estates, and one sector-only project, the only one on fleet."""
    common = a_round("Return of 2026")
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    approver = factories.reviewer(email="rhys@example.org")
    _three_shared_stations(common, police, fire, approver)
    published(
        common,
        fire,
        name=SECTOR_ONLY,
        partners=[police],
        approver=approver,
        summary="For the sector.",
        sharing="sector",
        themes=["fleet_and_equipment"],
    )
    factories.user(email="lee@example.org", organisation_=police)
    db.session.commit()


def test_the_published_edition_withholds_a_small_count_of_sector_only_projects_from_someone_signed_in(
    client, app, sector_only_world
):
    """The published edition is for anyone: whoever makes it, a sector-only project is counted, never
    described, so a figure it alone makes is "fewer than 3"; the sector edition describes it."""
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get("/find/overview?edition=published").text
    assert SECTOR_ONLY not in page
    assert "Fleet and equipment (fewer than 3)" in text_of(page)
    assert "4 collaboration projects" in text_of(page)
    word, _cells = word_text(client.get("/find/overview.docx?edition=published").data)
    assert SECTOR_ONLY not in word
    assert "Fleet and equipment (fewer than 3)" in word
    pdf = pdf_text(client.get("/find/overview.pdf?edition=published").data)
    assert "Shared station 0" in pdf  # the text is read
    assert SECTOR_ONLY not in pdf and "For the sector." not in pdf
    assert "Fleet and equipment (fewer than 3)" in pdf

    sector = text_of(client.get("/find/overview?edition=sector").text)
    assert SECTOR_ONLY in sector and "Fleet and equipment (1)" in sector
