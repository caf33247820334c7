"""The national overview, its editions and formats, notable practice, organisation pages and who works with
whom, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import io
import re

import pikepdf
import pytest
from docx import Document
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, NotablePractice, Record, Sector, SubmissionStatus
from tests import factories
from tests.conftest import sign_in, submit_form
from tests.integration.test_overview_disclosure import pdf_text, text_of
from tests.integration.test_review import version_on, world  # noqa: F401 (a submitted project)
from tests.records import a_round, published

PUBLIC, SECTOR, FIGURES = "Maidstone shared station", "Medway joint control room", "Hidden fleet workshop"


@pytest.fixture
def overview_world(app):
    round_ = a_round()
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    ambulance = factories.organisation("South East Coast Ambulance Service", sector=Sector.AMBULANCE)
    approver = factories.reviewer(email="rhys@example.org")
    made = {}
    for key, name, lead, partners, sharing, theme in (
        ("public", PUBLIC, police, [fire, ambulance], "public", "shared_estates"),
        ("sector", SECTOR, police, [fire], "sector", "shared_estates"),
        ("figures", FIGURES, ambulance, [fire], "figures_only", "shared_estates"),
    ):
        made[key] = published(
            round_,
            lead,
            name=name,
            partners=partners,
            approver=approver,
            summary=f"What {name} did.",
            sharing=sharing,
            themes=[theme],
            enablers=["leadership"],
            enablers_details=f"Quote from {name}. More words.",
            benefits_evidence=f"Benefits of {name}.",
        )
        db.session.add(
            NotablePractice(
                submission_id=made[key].submission_id,
                themes=[theme],
                reason=f"Why {name} is notable.",
                chosen_by=approver,
            )
        )
    db.session.commit()
    factories.user(email="lee@example.org", organisation_=police)
    factories.administrator(email="ada@example.org")
    return made


def word_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_published_edition_describes_public_records_only_and_counts_them_all(client, overview_world):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get("/find/overview?edition=published").text
    assert "Published edition" in page
    assert PUBLIC in page and f"Why {PUBLIC} is notable." in page and f"Quote from {PUBLIC}." in page
    assert SECTOR not in page and FIGURES not in page
    assert f"Quote from {SECTOR}" not in page and "Why Medway" not in page
    assert "It counts 3 projects and describes 1 of them" in page
    assert "casey@example.org" not in page  # no contact details in an edition meant for publishing
    word = word_text(client.get("/find/overview.docx?edition=published").data)
    assert "Published edition" in word and PUBLIC in word
    assert SECTOR not in word and FIGURES not in word
    assert "Themes and notable practice" in word
    pdf = pdf_text(client.get("/find/overview.pdf?edition=published").data)
    assert PUBLIC in pdf and f"Why {PUBLIC} is notable." in pdf
    assert SECTOR not in pdf and FIGURES not in pdf and "Why Medway" not in pdf


def test_the_sector_edition_also_describes_sector_records_but_never_figures_only(client, overview_world):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get("/find/overview").text  # signed-in readers get the sector edition first
    assert "Sector edition" in page and "Do not publish it" in page
    assert PUBLIC in page and SECTOR in page and f"Why {SECTOR} is notable." in page
    assert FIGURES not in page and "Hidden fleet" not in page
    assert "casey@example.org" in page  # contacts, for people in the sector
    word = word_text(client.get("/find/overview.docx?edition=sector").data)
    assert SECTOR in word and FIGURES not in word


def test_people_not_signed_in_get_only_the_published_edition(client, app, overview_world):
    app.config["PUBLIC_DATABASE"] = True
    page = client.get("/find/overview?edition=sector").text
    assert "Published edition" in page and "Sector edition" not in page
    assert PUBLIC in page and SECTOR not in page and FIGURES not in page
    # Find's figures count every approved project, for anyone; the overview's count the same.
    assert "It counts 3 projects and describes 1 of them" in page
    assert "3 collaboration projects" in text_of(client.get("/find/figures").text)
    report = page.split('id="summary"')[1].split("<footer")[0]  # the footer has "Contact us"
    assert "Contact" not in report and "casey@example.org" not in page  # contacts: signed-in readers only


def test_the_pdf_is_tagged_with_embedded_fonts_and_an_outline(client, overview_world):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    response = client.get("/find/overview.pdf?edition=published")
    assert response.mimetype == "application/pdf"
    assert 'filename="collaboration-overview-published.pdf"' in response.headers["Content-Disposition"]
    pdf = pikepdf.open(io.BytesIO(response.data))
    root = pdf.Root
    assert "/StructTreeRoot" in root and root.MarkInfo.Marked
    assert str(root.Lang).startswith("en")
    fonts = {}
    for page in pdf.pages:
        for name, font in (page.Resources.get("/Font") or {}).items():
            fonts[name] = font
    assert fonts
    for font in fonts.values():
        descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
        assert "Liberation" in str(descriptor.FontName)
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        nested = [child.title for item in outline.root for child in item.children]
    assert "Collaboration overview" in titles or "Summary" in nested + titles
    everything = titles + nested + [c.title for i in outline.root for ch in i.children for c in ch.children]
    assert {"Summary", "Change over time", "Where the projects are"} <= set(everything)
    assert len(pdf.pages) >= 5
    # Each chart is a figure of the structure tree, named by its title (its description is printed below it).
    figures = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if str(node.get("/S")) == "/Figure":
                figures.append(str(node.get("/Alt")))
            if "/K" in node:
                walk(node.K)
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    walk(root.StructTreeRoot.K)
    assert "Projects by theme" in figures and "Projects by region" in figures


def test_each_format_is_made_once_per_data_version(client, overview_world):
    sign_in(client, "lee@example.org", factories.PASSWORD)
    first = client.get("/find/overview.docx?edition=published").data
    assert client.get("/find/overview.docx?edition=published").data == first
    page = client.get("/find/overview?edition=published").text
    assert PUBLIC in page and "Dartford co-responding" not in page
    published(
        a_round("Collaboration return 2027"),
        overview_world["public"].organisation,
        name="Dartford co-responding",
        summary="Firefighters respond alongside paramedics.",
    )
    assert "Dartford co-responding" in word_text(client.get("/find/overview.docx?edition=published").data)
    assert "Dartford co-responding" in client.get("/find/overview?edition=published").text


def test_a_reviewer_marks_notable_practice_when_approving_and_an_administrator_changes_it(
    client,
    world,  # noqa: F811
):
    item = world["submission"]
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    submit_form(
        client,
        f"/review/{item.id}/claim",
        {"expected_version": str(item.edit_version)},
        form_url=f"/review/{item.id}",
    )
    db.session.refresh(item)
    confirm = client.get(f"/review/{item.id}/approve").text
    assert "Is this project notable practice?" in confirm and 'value="co_responding"' in confirm
    version = version_on(confirm)
    url = f"/review/{item.id}/approve"
    refused = submit_form(client, url, {"expected_version": version, "notable_themes": "co_responding"})
    assert refused.status_code == 200
    assert "Enter a sentence saying why this project is notable practice" in refused.text
    assert 'value="co_responding" checked' in refused.text  # what was chosen is kept
    db.session.refresh(item)
    assert item.status == SubmissionStatus.IN_REVIEW and events("review.approved") == 0
    response = submit_form(
        client,
        url,
        {
            "expected_version": version,
            "notable_themes": "co_responding",
            "notable_reason": "Cut response times to cardiac arrests in rural areas.",
        },
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status == SubmissionStatus.APPROVED
    chosen = db.session.scalars(select(NotablePractice)).one()
    assert chosen.themes == ["co_responding"] and chosen.chosen_by_id == world["reviewer"].id
    assert events("notable_practice.chosen") == 1
    record = db.session.scalars(select(Record)).one()
    overview = client.get("/find/overview").text
    assert "Cut response times to cardiac arrests in rural areas." in overview
    assert "Notable practice in co-responding and first response" in overview
    # Reviewers choose only at approval; administrators change the choice later.
    assert client.get(f"/find/records/{record.id}/notable-practice").status_code == 404
    submit_form(client, "/sign-out", {}, form_url="/review")
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    page_url = f"/find/records/{record.id}/notable-practice"
    assert "Cut response times" in client.get(page_url).text
    assert "Change notable practice" in client.get(f"/find/records/{record.id}").text
    wrong = submit_form(client, page_url, {"notable_themes": "prevention", "notable_reason": "Because."})
    assert "Choose themes from this project" in wrong.text
    submit_form(client, page_url, {"notable_themes": "other", "notable_reason": "A model for others."})
    db.session.refresh(chosen)
    assert chosen.themes == ["other"] and chosen.reason == "A model for others."
    cleared = submit_form(client, page_url, {"notable_reason": ""})
    assert cleared.status_code == 302
    assert db.session.scalar(select(func.count(NotablePractice.id))) == 0
    assert events("notable_practice.chosen") == 2 and events("notable_practice.cleared") == 1


def test_organisation_pages_list_projects_partners_and_themes_it_may_show(client, app, overview_world):
    police = overview_world["public"].organisation
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = client.get(f"/find/organisations/{police.id}").text
    assert PUBLIC in page and SECTOR in page and FIGURES not in page
    assert "Projects it leads (2)" in page
    assert "Kent Fire and Rescue Service" in page and "Shared estates" in page
    submit_form(client, "/sign-out", {}, form_url="/find")
    app.config["PUBLIC_DATABASE"] = True
    page = client.get(f"/find/organisations/{police.id}").text
    assert PUBLIC in page and SECTOR not in page
    assert client.get("/find/organisations/999999").status_code == 404


def test_a_partner_organisation_filter_links_to_its_page(client, overview_world):
    fire = overview_world["sector"].submission.partners[0].organisation
    sign_in(client, "lee@example.org", factories.PASSWORD)
    assert f'href="/find/organisations/{fire.id}"' not in client.get("/find").text  # it leads no project
    page = client.get(f"/find?partners={fire.id}").text
    assert f'href="/find/organisations/{fire.id}">Kent Fire and Rescue Service: organisation page<' in page


def test_who_works_with_whom_counts_pairs_the_reader_may_see(client, app, overview_world):
    police = overview_world["public"].organisation
    fire = overview_world["sector"].submission.partners[0].organisation
    ambulance = overview_world["figures"].organisation
    sign_in(client, "lee@example.org", factories.PASSWORD)
    page = " ".join(client.get("/find/who-works-with-whom").text.split())
    assert "in the 2 projects you can see" in page
    pair = f"/find/who-works-with-whom/organisations/{police.id}/{fire.id}"
    assert f'href="{pair}">2<' in page  # police and fire: the public and the sector-only project
    both = client.get(pair).text
    assert PUBLIC in both and SECTOR in both
    # The figures-only project (ambulance and fire) is never counted: they share the public one only.
    assert f'href="/find/who-works-with-whom/organisations/{fire.id}/{ambulance.id}">1<' in page or (
        f'href="/find/who-works-with-whom/organisations/{ambulance.id}/{fire.id}">1<' in page
    )
    assert FIGURES not in client.get(f"/find/who-works-with-whom/organisations/{ambulance.id}/{fire.id}").text
    sectors = client.get("/find/who-works-with-whom/sectors/police/fire_and_rescue").text
    assert PUBLIC in sectors and SECTOR in sectors
    assert client.get("/find/who-works-with-whom/sectors/police/nonsense").status_code == 404
    submit_form(client, "/sign-out", {}, form_url="/find")
    app.config["PUBLIC_DATABASE"] = True
    page = " ".join(client.get("/find/who-works-with-whom").text.split())
    assert "in the 1 project you can see" in page and f'href="{pair}">1<' in page
    assert SECTOR not in client.get(pair).text
    filtered = " ".join(client.get("/find/who-works-with-whom?themes=joint_training").text.split())
    assert "in the 0 projects you can see" in filtered


def events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action=action))


def test_each_who_works_with_whom_count_leads_to_as_many_projects_with_find_filters_on(client, app):
    round_ = a_round()
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    for number, theme in enumerate(("shared_estates", "shared_estates", "joint_training")):
        published(round_, police, name=f"Project {number}", partners=[fire], summary=".", themes=[theme])
    app.config["PUBLIC_DATABASE"] = True
    page = client.get("/find/who-works-with-whom?themes=shared_estates").text
    cells = re.findall(r'href="(/find/who-works-with-whom/(?:sectors|organisations)/[^"]+)">([\d,]+)<', page)
    assert len(cells) == 3 and {count for _link, count in cells} == {
        "2"
    }  # both halves of the matrix, and the pair
    for link, count in cells:
        listed = client.get(html.unescape(link)).text
        assert len(re.findall(r'href="/find/records/\d+"', listed)) == int(count), link
        assert "Themes: Shared estates" in listed  # the filters that apply, and a way to clear them
        cleared = re.search(r'href="([^"]+)">Clear filters<', listed)
        assert (
            cleared
            and len(re.findall(r'href="/find/records/\d+"', client.get(html.unescape(cleared[1])).text)) == 3
        )


def test_the_pdf_prints_welsh_letters_and_every_annex_line_in_full(client, app):
    round_ = a_round()
    lead = factories.organisation(
        "Gwasanaeth Tân ac Achub Canolbarth a Gorllewin Cymru", sector=Sector.FIRE_AND_RESCUE
    )
    partners = [
        factories.organisation(f"Partner organisation number {n} with a long name", sector=Sector.POLICE)
        for n in range(8)
    ]
    published(
        round_,
        lead,
        name="Cydweithio yn Nhŷ'r Ŵyl",
        partners=partners,
        summary="Prosiect.",
        themes=["fleet_and_equipment"],
        stage="ended",
    )
    app.config["PUBLIC_DATABASE"] = True
    text = pdf_text(client.get("/find/overview.pdf?edition=published").data)
    assert "Cydweithio yn Nhŷ'r Ŵyl" in text and "Tân" in text
    annex = text.split("Each line: project, lead organisation, partners, themes, stage.")[1]
    # The longest line wraps: its last partner, its theme and its stage are all there.
    assert "number 7 with a long name · Fleet and equipment · Ended" in annex
