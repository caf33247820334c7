"""The overview with withheld figures (None): no figure computed from fewer than 3 projects, one of them
shared as figures only, is stated anywhere, in the sentences, the charts, the map or the Word document."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from docx import Document

from app.charts import bar_chart, compact_bar_chart, describe_drawn
from app.questionnaires.loader import default_questionnaire
from app.services.find.figures import Savings, figures
from app.services.find.overview import regions, sentences, word
from app.services.find.overview.model import EDITIONS, NOT_SHOWN
from app.services.find.overview.report import Counted, build
from tests.unit.test_overview import NAMES, RECORDS, record

# RECORDS[2], "Training centre" (id 3: joint training, Wales, the later round), is shared as figures only.


@pytest.fixture(scope="module")
def questionnaire():
    return default_questionnaire()


def with_hidden(records, hidden_ids):
    for r in records:
        r.sharing = "figures_only" if r.id in hidden_ids else "public"
    return records


def counted(records):
    return [
        Counted(
            r.id,
            r.facets,
            (r.submission.round.opens_at.timestamp(), r.round_id, r.submission.round.title),
            hidden=r.sharing == "figures_only",
        )
        for r in records
    ]


def make(questionnaire, records, hidden_ids=(3,)):
    records = with_hidden(list(records), set(hidden_ids))
    try:
        return build(
            counted(records),
            [r for r in records if r.sharing == "public"],
            questionnaire,
            figures=figures(records, questionnaire),
            edition=EDITIONS["published"],
            include_contacts=False,
            filters_description="All projects",
            notable={},
            names=NAMES,
            today=date(2026, 3, 2),
        )
    finally:
        with_hidden(records, set())


def test_a_small_theme_with_a_figures_only_project_has_no_breakdown(questionnaire):
    report = make(questionnaire, RECORDS)
    training = next(s for s in report.themes if s.label == "Joint training")
    assert training.projects is None  # 2 projects, one of them figures only
    assert all(chart.withheld and not chart.rows for chart in training.charts)
    assert training.sentence == "Fewer than 3 projects cover joint training."
    assert report.themes[-1] is training  # withheld last: its place would tell its size
    estates = next(s for s in report.themes if s.label == "Shared estates")
    assert estates.projects == 2 and not any(chart.withheld for chart in estates.charts)


def test_without_the_figures_only_project_every_count_is_shown(questionnaire):
    report = make(questionnaire, RECORDS, hidden_ids=())
    assert [s.projects for s in report.themes] == [2, 2, 1]
    assert report.over_time.totals == [2, 2]
    assert {r.region: r.projects for r in report.regions}["wales"] == 1


def test_change_over_time_withholds_small_rounds_and_cells(questionnaire):
    over_time = make(questionnaire, RECORDS).over_time
    assert over_time.totals == [2, None]  # the later round: Training centre (hidden) and Blue light HQ
    assert ("Joint training", [1, None]) in over_time.by_theme
    assert ("Shared estates", [1, 1]) in over_time.by_theme  # no hidden project: shown however small
    text = word_text(word.docx_bytes(make(questionnaire, RECORDS)))
    assert "Collaboration return 2018 fewer than 3" in text  # the table of the chart


def test_the_map_marks_withheld_regions_not_shown(questionnaire):
    report = make(questionnaire, RECORDS)
    wales = next(r for r in report.regions if r.region == "wales")
    assert wales.projects is None and wales.shade == NOT_SHOWN
    svg = regions.map_svg(report.regions)
    assert "Wales: fewer than 3 (not shown)" in svg and ">not shown</text>" in svg
    assert ">1</text>" not in svg and "Wales: 1" not in svg


def test_national_projects_are_withheld_when_few_and_one_is_hidden(questionnaire):
    national = record(9, "National hub", ["shared_estates"], region=None)
    report = make(questionnaire, [*RECORDS, national], hidden_ids=(9,))
    assert report.national is None  # Blue light HQ and the hidden National hub


def test_the_summary_never_states_a_withheld_figure(questionnaire):
    records = with_hidden(list(RECORDS), {3})
    found = figures(records, questionnaire)
    with_hidden(records, set())
    lines = sentences.summary(found)
    assert lines[0] == "This overview covers 4 collaboration projects involving 2 organisations."
    assert "joint training" not in lines[1]  # its count is withheld: it is never called common
    withheld_savings = dataclasses.replace(found, savings=Savings(None, None, None, None))
    assert (
        "Fewer than 3 projects gave a figure for cashable savings, so the sum is not shown."
        in sentences.summary(withheld_savings)
    )
    headline = dataclasses.replace(found.headline, evaluated=None)
    lines = sentences.summary(dataclasses.replace(found, headline=headline))
    assert "Fewer than 3 projects have been evaluated." in lines
    assert "%" not in lines[3]  # a share would give the number away


def test_too_few_projects_one_hidden_withhold_everything(questionnaire):
    records = with_hidden([RECORDS[0], RECORDS[2]], {3})
    found = figures(records, questionnaire)
    with_hidden(records, set())
    assert found.withheld
    assert sentences.summary(found) == [
        "Fewer than 3 collaboration projects match these filters, and at least one of them is shared as "
        "figures only, so their figures are not shown."
    ]
    report = make(questionnaire, [RECORDS[0], RECORDS[2]])
    assert report.counted is None and report.not_described is None
    assert report.themes == [] and report.over_time.totals == []  # no value of the hidden project named
    assert all(r.projects is None and r.shade == NOT_SHOWN for r in report.regions)
    word_text(word.docx_bytes(report))  # the Word document is made


def test_a_theme_sentence_names_no_withheld_value_as_most_common():
    sentence = sentences.theme("Shared estates", 5, 9, [("Police and fire", None)], [("Wales", None)])
    assert sentence == "5 projects (56% of all) cover shared estates."
    assert sentences.theme("Shared estates", 5, None, [], []) == "5 projects cover shared estates."


def test_charts_leave_withheld_bars_out_and_say_so():
    rows = [("Police and fire", 4), ("Fire and ambulance", None)]
    compact = str(compact_bar_chart("Services", rows, chart_id="c"))
    assert compact.count("<rect") == 1 and ">fewer than 3<" not in compact
    assert "Not drawn, as each has fewer than 3 projects: Fire and ambulance." in compact
    full = str(bar_chart("Services", rows, chart_id="f", leave_out_withheld=True))
    assert full.count("<rect") == 1 and "Not drawn" in full
    assert describe_drawn([("Wales", None)]) == (
        "Bar chart with no bars. Not drawn, as each has fewer than 3 projects: Wales."
    )
    only_withheld = str(compact_bar_chart("Services", [("Wales", None)], chart_id="w"))
    assert "<rect" not in only_withheld


def test_the_word_document_says_fewer_than_3_and_never_the_number(questionnaire):
    text = word_text(word.docx_bytes(make(questionnaire, RECORDS)))
    assert "Joint training (fewer than 3)" in text
    assert "Joint training: services involved: not shown" in text
    assert "Wales fewer than 3" in text  # the regions table


def word_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    rows = [" ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    return "\n".join([p.text for p in document.paragraphs] + rows)
