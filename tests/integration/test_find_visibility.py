"""Every output of Find, as each kind of viewer: what they may read, contact details, and figures that could
give away a project the viewer may not read (app/services/find/visibility.py). On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re

import pikepdf
import pytest
from openpyxl import load_workbook

from app.models import Sector
from tests import factories
from tests.conftest import sign_in
from tests.records import a_round, published

OPEN = {"name": "Tonbridge station partnership", "word": "quinceberry", "contact": "Olive Openshaw"}
SECTOR = {"name": "Maidstone dispatch hub", "word": "marzipanic", "contact": "Sam Sectorson"}
HIDDEN = {"name": "Secret fleet workshop", "word": "xylophonic", "contact": "Fay Figgis"}
CONTACT_DETAILS = ("job title", "@contacts.example.org", "01632 960")
VIEWERS = ("anonymous", "reader", "lead", "partner", "reviewer", "administrator")


def _contact(person: str, slug: str) -> dict:
    return {
        "contact_name": person,
        "contact_job_title": f"{slug} job title",
        "contact_email": f"{slug}@contacts.example.org",
        "contact_phone": "01632 960 001",
    }


@pytest.fixture
def library(app):
    app.config["PUBLIC_DATABASE"] = True
    round_ = a_round()
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    ambulance = factories.organisation("South East Coast Ambulance Service", sector=Sector.AMBULANCE)
    elsewhere = factories.organisation("Cumbria Constabulary", sector=Sector.POLICE)
    made = {
        "open": published(
            round_,
            police,
            name=OPEN["name"],
            partners=[fire],
            summary=f"Police and fire share a station ({OPEN['word']}).",
            themes=["shared_estates"],
            cost="£10,000",
            **_contact(OPEN["contact"], "olive"),
        ),
        "sector": published(
            round_,
            police,
            name=SECTOR["name"],
            partners=[fire, ambulance],
            summary=f"One control room for police and fire ({SECTOR['word']}).",
            sharing="sector",
            themes=["joint_control_rooms", "shared_estates"],
            **_contact(SECTOR["contact"], "sam"),
        ),
        "hidden": published(
            round_,
            ambulance,
            name=HIDDEN["name"],
            partners=[fire],
            summary="Shared vehicle maintenance.",
            sharing="figures_only",
            themes=["fleet_and_equipment", "shared_estates"],
            stage="planning",
            lessons_learnt=f"Agree the {HIDDEN['word']} rota first.",
            cost="£4,321,987",
            **_contact(HIDDEN["contact"], "fay"),
        ),
    }
    people = {
        "reader": factories.user(email="reader@example.org", organisation_=elsewhere),
        "lead": factories.user(email="lead@example.org", organisation_=ambulance),
        "partner": factories.user(email="partner@example.org", organisation_=fire),
        "reviewer": factories.reviewer(email="reviewer@example.org"),
        "administrator": factories.administrator(email="admin@example.org"),
    }
    return made, people


def outputs(client, made) -> dict[str, str]:
    """Every page and file of Find as text, by name."""
    found: dict[str, str] = {}
    for key, record in made.items():
        found[f"record {key}"] = _text(client.get(f"/find/records/{record.id}"))
    pages = {
        "search": "/find",
        "search open word": f"/find?q={OPEN['word']}",
        "search sector word": f"/find?q={SECTOR['word']}",
        "search hidden word": f"/find?q={HIDDEN['word']}",
        "search contact": f"/find?q={OPEN['contact'].split()[1]}",
        "organisation": f"/find/organisations/{made['open'].organisation_id}",
        "api": "/api/v1/records",
        "api hidden word": f"/api/v1/records?q={HIDDEN['word']}",
        "api contact": f"/api/v1/records?q={SECTOR['contact'].split()[1]}",
        "csv": "/find/download.csv",
        "json": "/find/download.json",
        "xlsx": "/find/download.xlsx",
        "dictionary": "/find/download.dictionary.csv",
        "figures": "/find/figures",
        "figures hidden word": f"/find/figures?q={HIDDEN['word']}",
        "figures hidden theme": "/find/figures?themes=fleet_and_equipment",
        "figures planning": "/find/figures?stage=planning",
        "overview": "/find/overview",
        "overview hidden theme": "/find/overview?themes=fleet_and_equipment",
        "overview pdf": "/find/overview.pdf",
    }
    for name, url in pages.items():
        found[name] = _text(client.get(url))
    return found


def _text(response) -> str:
    assert response.status_code in (200, 404), (response.request.path, response.status_code)
    if response.status_code == 404:
        return ""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        workbook = load_workbook(io.BytesIO(response.data), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for line in sheet.iter_rows(values_only=True)
            for value in line
            if value is not None
        )
    if response.mimetype == "application/pdf":
        with pikepdf.open(io.BytesIO(response.data)) as pdf:
            raw = b"".join(page.Contents.read_bytes() for page in pdf.pages).decode("latin-1")
        return " ".join(re.findall(r"\((.*?)(?<!\\)\)\s*Tj", raw))
    return response.text


def as_viewer(client, viewer, people):
    if viewer != "anonymous":
        sign_in(client, people[viewer].email, factories.PASSWORD)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_output_as_each_viewer(client, library, viewer):
    made, people = library
    as_viewer(client, viewer, people)
    found = outputs(client, made)
    nothing_unreadable(found, viewer)
    reads_what_they_may(found, viewer)
    figures_give_nothing_away(found, viewer)


def nothing_unreadable(found: dict[str, str], viewer: str) -> None:
    signed_in = viewer != "anonymous"
    for name, text in found.items():
        asked = name.endswith(" word")  # the page repeats the words searched for
        # A figures-only project is never shown, nor found by its words, to anyone.
        assert HIDDEN["name"] not in text and (asked or HIDDEN["word"] not in text), (viewer, name)
        assert HIDDEN["contact"] not in text and "fay@" not in text, (viewer, name)
        assert "4,321,987" not in text and "4321987" not in text, (viewer, name)
        # Sector-only projects and every contact's details only for people who sign in.
        if not signed_in:
            assert SECTOR["name"] not in text and (asked or SECTOR["word"] not in text), name
            for secret in (OPEN["contact"], SECTOR["contact"], *CONTACT_DETAILS):
                assert secret not in text, (name, secret)
            assert "Contact email address" not in text, name  # not even an empty column


def reads_what_they_may(found: dict[str, str], viewer: str) -> None:
    signed_in = viewer != "anonymous"
    readable = ("open", "sector") if signed_in else ("open",)
    for output in ("search", "organisation", "api", "csv", "json", "xlsx", "overview"):
        assert (OPEN["name"] in found[output]) is True, (viewer, output)
        assert (SECTOR["name"] in found[output]) is signed_in, (viewer, output)
    for key in ("open", "sector", "hidden"):
        assert bool(found[f"record {key}"]) is (key in readable), (viewer, key)
    assert OPEN["name"] in found["search open word"]
    assert (SECTOR["name"] in found["search sector word"]) is signed_in
    for output in ("record open", "csv", "json", "xlsx", "api"):
        assert (OPEN["contact"] in found[output]) is signed_in, (viewer, output)
        assert ("olive@contacts.example.org" in found[output]) is signed_in, (viewer, output)
    # The overview gives contacts only in the case studies of the sector edition (none here, as no project
    # was chosen as notable practice); the published edition never does.
    if not signed_in:
        assert OPEN["contact"] not in found["overview"] and "olive@contacts" not in found["overview"]
    for output in ("csv", "json", "xlsx"):
        assert ("01632 960 001" in found[output]) is signed_in, (viewer, output)
        assert ("olive job title" in found[output]) is signed_in, (viewer, output)
    # Contact details are never searched, so a contact's name finds nothing.
    assert "0 projects" in found["search contact"] and json.loads(found["api contact"])["meta"]["total"] == 0


def figures_give_nothing_away(found: dict[str, str], viewer: str) -> None:
    # Words find only the projects the viewer can read: here none, so nothing is counted.
    assert "0 collaboration projects" in _plain(found["figures hidden word"])
    assert "0 projects" in _plain(found["search hidden word"])
    # Filters that select the figures-only project alone: every figure is withheld.
    for output in ("figures hidden theme", "figures planning", "overview hidden theme"):
        plain = _plain(found[output])
        assert "Fewer than 3 collaboration projects" in plain, (viewer, output)
        assert "Projects by theme" not in plain and "Projects by stage" not in plain, (viewer, output)
    assert "Fewer than 3 projects are counted in these figures but not described" in _plain(
        found["overview hidden theme"]
    )
    # All the projects: 3, so the headline shows; a theme that only the hidden project has is "fewer than 3",
    # as is a cost that it alone gave; a theme all three share is counted.
    plain = _plain(found["figures"])
    assert "3 collaboration projects" in plain
    assert re.search(r"Fleet and equipment fewer than 3", plain), plain
    assert re.search(r"Shared estates 3", plain)
    # Two projects gave a cost, one of them the hidden one: the total is withheld.
    assert "The total cost is not shown: fewer than 3 projects gave a figure." in plain


def _plain(page: str) -> str:
    """A page's text with its tags and extra spaces removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
