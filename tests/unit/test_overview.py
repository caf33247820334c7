"""The sector overview report: built from records in memory (no database), as HTML and as a PDF."""

from __future__ import annotations

import html
import re
import zlib
from datetime import UTC, date, datetime

import pytest
from flask import render_template

from app import create_app
from app.models import Organisation, Record, Round, Sector, Submission
from app.questionnaires.loader import default_questionnaire
from app.services.find import overview

ROUND = Round(id=1, title="Collaboration return 2017", opens_at=datetime(2017, 1, 9, tzinfo=UTC))
POLICE = Organisation(id=1, name="Avon and Somerset Constabulary", sector=Sector.POLICE)
NAMES = {"3": "Avon Fire and Rescue Service", "4": "South Western Ambulance Service"}
CONTACT = {
    "contact_name": "Sam Jones",
    "contact_job_title": "Collaboration lead",
    "contact_email": "sam@example.com",
}


@pytest.fixture(scope="module")
def questionnaire():
    return default_questionnaire()


@pytest.fixture(scope="module")
def app():
    return create_app("testing")  # the overview page needs no chart globals


def record(name: str, themes: list[str], *, sharing: str = "sector", **answers) -> Record:
    return Record(
        name=name,
        summary=f"What {name} did.",
        organisation_id=POLICE.id,
        organisation=POLICE,
        round_id=ROUND.id,
        submission=Submission(reference=f"CR-{name[:3]}", round=ROUND),
        answers={
            "benefits_evidence": f"Benefits of {name}.",
            "lessons_learnt": f"Lessons from {name}.",
            **CONTACT,
            **answers,
        },
        facets={"themes": themes, "partners": ["3"], "has_evaluation": ["no"]},
        sharing=sharing,
    )


RECORDS = [
    record("Shared station", ["shared_estates", "joint_training"], cashable_savings="\u00a31,250.50"),
    record("Co-responders", ["co_responding"], other_partners="St John Ambulance"),
    record("Training centre", ["joint_training"]),
    record("Blue light HQ", ["shared_estates"]),
    record("Secret project", ["shared_estates"], sharing="figures_only"),
    record("No theme", []),
]


def build(questionnaire, **kwargs):
    return overview.build(RECORDS, questionnaire, organisation_names=NAMES, today=date(2026, 3, 2), **kwargs)


def test_each_project_is_described_once_under_its_first_theme_in_the_questionnaire_order(questionnaire):
    report = build(questionnaire)
    assert [(group.label, [study.name for study in group.case_studies]) for group in report.groups] == [
        ("Co-responding and first response", ["Co-responders"]),
        ("Shared estates", ["Blue light HQ", "Shared station"]),
        ("Joint training", ["Training centre"]),
        ("No theme given", ["No theme"]),
    ]
    shared_station = report.groups[1].case_studies[1]
    assert shared_station.other_themes == ["Joint training"]
    assert "first theme" in report.grouping_note


def test_a_case_study_says_who_did_what_and_what_they_learnt(questionnaire):
    study = build(questionnaire).groups[0].case_studies[0]
    assert study.lead_organisation == "Avon and Somerset Constabulary"
    assert study.partners == ["Avon Fire and Rescue Service", "St John Ambulance"]
    assert study.summary == "What Co-responders did."
    assert study.benefits == "Benefits of Co-responders."
    assert study.lessons_learnt == "Lessons from Co-responders."


def test_figures_only_projects_are_counted_but_never_described(questionnaire):
    report = build(questionnaire)
    assert report.figures.headline.projects == 6
    assert report.figures_only == 1
    assert "Secret project" not in [study.name for group in report.groups for study in group.case_studies]


def test_contacts_only_when_asked_for(questionnaire):
    without = build(questionnaire)
    assert all(study.contact is None for group in without.groups for study in group.case_studies)
    with_contacts = build(questionnaire, include_contacts=True)
    contact = with_contacts.groups[0].case_studies[0].contact
    assert (contact.name, contact.job_title, contact.email) == (
        "Sam Jones",
        "Collaboration lead",
        "sam@example.com",
    )


def render(app, report) -> str:
    with app.test_request_context():
        output = render_template(
            "find/overview.html",
            report=report,
            filters_description="Themes: Shared estates",
            pdf_link="/find/overview.pdf",
        )
    return html.unescape(output)


def test_the_page_shows_the_headline_figures_and_the_case_studies_by_theme(app, questionnaire):
    page = render(app, build(questionnaire))
    assert "<title>Collaboration overview \u2013" in page
    assert re.search(r"<h1[^>]*>Collaboration overview</h1>", page)
    assert "Themes: Shared estates" in page
    assert 'href="/find/overview.pdf"' in page
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "6 collaboration projects" in text
    assert "1 project is counted in these figures but not described" in text
    assert "Cashable savings of \u00a31,250.50 a year, from the 1 project that gave a figure." in text
    themes = re.findall(r'<h2 class="govuk-heading-l" id="theme-[^"]+">(.*?)</h2>', page)
    assert themes == [
        "Co-responding and first response",
        "Shared estates",
        "Joint training",
        "No theme given",
    ]
    assert text.index("Blue light HQ") < text.index("Shared station") < text.index("Training centre")
    assert "Lessons from Shared station." in text
    assert "Secret project" not in text
    assert "style=" not in page


def test_the_page_leaves_contacts_out_unless_asked(app, questionnaire):
    assert "sam@example.com" not in render(app, build(questionnaire))
    page = render(app, build(questionnaire, include_contacts=True))
    assert 'href="mailto:sam@example.com"' in page
    assert "Sam Jones, Collaboration lead" in page


def pdf_text(pdf: bytes) -> str:
    """The text drawn on the PDF's pages (fpdf2 compresses each page's content stream)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    pages = []
    for stream in streams:
        try:
            pages.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "".join(pages)


def test_the_pdf_has_the_figures_and_the_case_studies_by_theme(questionnaire):
    pdf = overview.pdf_bytes(build(questionnaire, filters_description="Themes: Shared estates"))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "Collaboration overview",
        "Themes: Shared estates",
        "6 collaboration projects",
        "Shared estates",
        "Blue light HQ",
        "Lessons from Shared station.",
    ):
        assert f"({expected})" in text or expected in text
    assert "Secret project" not in text
    assert "sam@example.com" not in text


def test_the_pdf_survives_curly_quotes_dashes_emoji_and_other_scripts(questionnaire):
    awkward = record(
        "\u201cBlue\u201d station \u2013 phase 2 \U0001f692",
        ["shared_estates"],
        lessons_learnt=(
            "Don\u2019t wait\u2026 \u2014 talk early \U0001f44d\U0001f3fd. "
            "\u0141\u00f3d\u017a, \u6771\u4eac, \u20ac5"
        ),
        contact_name="Zo\u00eb \u0141ukasz",
    )
    report = overview.build([awkward], questionnaire, include_contacts=True, organisation_names=NAMES)
    pdf = overview.pdf_bytes(report)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert '("Blue" station - phase 2)' in text
    assert "Don't wait... - talk early . L\u00f3dz, , EUR 5" in text
    assert "Zo\u00eb Lukasz" in text  # Latin-1 keeps its own accents


def test_latin_1():
    assert (
        overview.latin_1("\u2018a\u2019 \u201cb\u201d c\u2013d e\u2014f g\u2026") == "'a' \"b\" c-d e-f g..."
    )
    assert overview.latin_1("caf\u00e9 \u00a3100 \U0001f600 ok") == "caf\u00e9 \u00a3100 ok"
    assert overview.latin_1("one\ntwo") == "one\ntwo"
    overview.latin_1("\U0001f468\u200d\U0001f469\u200d\U0001f467").encode("latin-1")  # no error


def test_a_long_report_runs_onto_more_pages(questionnaire):
    long_text = "A sentence about the project that goes on for a while. " * 40
    records = [record(f"Project {n}", ["prevention"], lessons_learnt=long_text) for n in range(12)]
    pdf = overview.pdf_bytes(overview.build(records, questionnaire, organisation_names=NAMES))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) > 1
