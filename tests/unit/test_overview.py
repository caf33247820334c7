"""The national overview built from records in memory (no database): its figures, sentences, quotes, map and
Word document."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document

from app.models import NotablePractice, Organisation, Record, Round, Sector, Submission
from app.questionnaires.loader import default_questionnaire
from app.services.find.figures import figures
from app.services.find.overview import regions, sentences, word
from app.services.find.overview.model import EDITIONS
from app.services.find.overview.report import Counted, build

ROUND = Round(id=1, title="Collaboration return 2017", opens_at=datetime(2017, 1, 9, tzinfo=UTC))
LATER = Round(id=2, title="Collaboration return 2018", opens_at=datetime(2018, 1, 9, tzinfo=UTC))
POLICE = Organisation(id=1, name="Avon and Somerset Constabulary", sector=Sector.POLICE)
NAMES = {"1": POLICE.name, "3": "Avon Fire and Rescue Service", "4": "South Western Ambulance Service"}


@pytest.fixture(scope="module")
def questionnaire():
    return default_questionnaire()


def record(number, name, themes, *, combination="police_fire", region="south_west", round_=ROUND, **answers):
    return Record(
        id=number,
        submission_id=100 + number,
        name=name,
        summary=f"What {name} did.",
        organisation_id=POLICE.id,
        organisation=POLICE,
        round_id=round_.id,
        submission=Submission(id=100 + number, reference=f"CR-{number}", round=round_),
        answers={"lessons_learnt": f"Lessons from {name}.", "contact_name": "Sam Jones", **answers},
        facets={
            "themes": themes,
            "partners": ["3"],
            "combination": [combination],
            "region": [region] if region else [],
            "stage": ["implemented"],
            "has_evaluation": ["yes" if "evaluated" in name else "no"],
            "enablers": ["leadership"],
            "barriers": ["funding"],
        },
        sharing="public",
    )


RECORDS = [
    record(
        1,
        "Shared station evaluated",
        ["shared_estates", "joint_training"],
        combination="police_fire_ambulance",
        enablers_details="Chief officers backed it. Then more.",
        cashable_savings="£1,000",
    ),
    record(2, "Co-responders", ["co_responding"], enablers_details="Chief officers backed it!"),
    record(
        3,
        "Training centre",
        ["joint_training"],
        region="wales",
        round_=LATER,
        enablers_details="A shared budget " + "and a very long explanation " * 10,
    ),
    record(4, "Blue light HQ", ["shared_estates"], region=None, round_=LATER),
]


def counted(records):
    return [
        Counted(
            r.id, r.facets, (r.submission.round.opens_at.timestamp(), r.round_id, r.submission.round.title)
        )
        for r in records
    ]


def make(questionnaire, described=RECORDS, notable=None, edition="published"):
    return build(
        counted(RECORDS),
        list(described),
        questionnaire,
        figures=figures(RECORDS, questionnaire),
        edition=EDITIONS[edition],
        include_contacts=False,
        filters_description="All projects",
        notable=notable or {},
        names=NAMES,
        today=date(2026, 3, 2),
    )


def test_the_summary_says_what_the_figures_say(questionnaire):
    lines = sentences.summary(figures(RECORDS, questionnaire))
    assert lines[0] == "This overview covers 4 collaboration projects involving 2 organisations."
    assert lines[1] == (
        "The most common themes are shared estates (2 projects), joint training (2 projects) and "
        "co-responding and first response (1 project)."
    )
    assert lines[2] == "1 project (25%) involves all three emergency services: police, fire and ambulance."
    assert lines[3] == "1 project (25%) has been evaluated."
    assert lines[4] == "One project gave a figure for cashable savings: £1,000 a year."


def test_the_savings_of_several_projects_are_reported_between_them(questionnaire):
    savers = [*RECORDS, record(5, "Fleet workshop", ["fleet"], cashable_savings="£2,500")]
    lines = sentences.summary(figures(savers, questionnaire))
    assert (
        lines[4] == "The 2 projects that gave a figure report cashable savings of £3,500 a year between them."
    )


def test_a_summary_of_nothing_says_so(questionnaire):
    assert sentences.summary(figures([], questionnaire)) == [
        "No approved collaboration projects match these filters."
    ]


def test_each_theme_has_its_figures_in_order_of_size(questionnaire):
    report = make(questionnaire)
    assert [(s.label, s.projects) for s in report.themes] == [
        ("Shared estates", 2),
        ("Joint training", 2),
        ("Co-responding and first response", 1),
    ]
    estates = report.themes[0]
    combinations, _stages, places = (chart.rows for chart in estates.charts)
    assert combinations == [("Police, fire and ambulance", 1), ("Police and fire", 1)]
    assert places == [("South West", 1)]  # the national project has no region
    assert estates.sentence.startswith("2 projects (50% of all) cover shared estates.")


def test_only_notable_practice_is_a_case_study_under_the_themes_chosen(questionnaire):
    chosen = NotablePractice(submission_id=101, themes=["joint_training"], reason="Copied by three forces.")
    report = make(questionnaire, notable={101: chosen})
    studies = {s.label: [c.name for c in s.case_studies] for s in report.themes}
    assert studies == {
        "Shared estates": [],
        "Joint training": ["Shared station evaluated"],
        "Co-responding and first response": [],
    }
    study = report.themes[1].case_studies[0]
    assert study.why_notable == "Copied by three forces." and study.partners == [
        "Avon Fire and Rescue Service"
    ]
    assert study.contact is None  # contacts only when asked for
    assert [line.notable for line in report.annex] == [True, False, False, False]


def test_quotes_are_short_first_sentences_each_said_once(questionnaire):
    enablers = make(questionnaire).enablers
    assert len(enablers) == 1 and enablers[0].projects == 4
    quotes = [q.text for q in enablers[0].quotes]
    assert quotes[0] == "Chief officers backed it."
    assert quotes[1] == "Chief officers backed it!"
    assert quotes[2].endswith("…") and len(quotes[2]) <= sentences.QUOTE_LENGTH


def test_only_described_projects_are_quoted_or_listed(questionnaire):
    report = make(questionnaire, described=RECORDS[1:2])
    assert report.counted == 4 and report.described == 1 and report.not_described == 3
    assert [line.name for line in report.annex] == ["Co-responders"]
    assert [q.project for f in report.enablers for q in f.quotes] == ["Co-responders"]


def test_change_over_time_is_by_round_oldest_first(questionnaire):
    over_time = make(questionnaire).over_time
    assert over_time.rounds == ["Collaboration return 2017", "Collaboration return 2018"]
    assert over_time.totals == [2, 2]
    assert ("Shared estates", [1, 1]) in over_time.by_theme
    assert ("Police and fire", [1, 2]) in over_time.by_combination


def test_the_map_shades_each_region_and_describes_it_in_words(questionnaire):
    report = make(questionnaire)
    by_region = {r.region: r for r in report.regions}
    assert by_region["south_west"].projects == 2 and by_region["south_west"].shade == 5
    assert by_region["wales"].projects == 1 and 0 < by_region["wales"].shade < 5
    assert by_region["london"].shade == 0 and report.national == 1
    svg = regions.map_svg(report.regions)
    assert svg.count("<path") == 10 and 'role="img"' in svg
    assert "South West: 2; Wales: 1. Darker regions have more projects." in svg
    assert set(regions.outlines()) == {r.region for r in report.regions}


def test_the_word_document_opens_with_headings_tables_and_the_annex(questionnaire):
    chosen = NotablePractice(submission_id=102, themes=["co_responding"], reason="Saves lives.")
    data = word.docx_bytes(make(questionnaire, notable={102: chosen}))
    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {"Foreword", "Summary", "Change over time", "Annex: every project described"} <= set(headings)
    assert "Co-responders" in headings  # the case study
    annex = document.tables[-1]
    assert [cell.text for cell in annex.rows[0].cells] == ["Project", "Lead", "Partners", "Themes", "Stage"]
    assert len(annex.rows) == 1 + len(RECORDS)
    assert [cell.text for cell in annex.rows[2].cells] == [
        "● Co-responders",
        POLICE.name,
        "Avon Fire and Rescue Service",
        "Co-responding and first response",
        "Up and running",
    ]
    assert "Published edition" in [p.text for p in document.paragraphs]


def test_an_overview_describes_at_most_its_limit_and_says_so(questionnaire, monkeypatch):
    from app.services.find.overview import report as overview_report

    monkeypatch.setattr(overview_report, "ANNEX_LIMIT", 2)
    report = make(questionnaire)
    assert report.more_than_limit and report.described == 2 and report.counted == 4
    assert [line.name for line in report.annex] == ["Shared station evaluated", "Co-responders"]
    assert not make(questionnaire, described=RECORDS[:2]).more_than_limit
