"""Downloads of the collaboration database: what someone opening the CSV, JSON or spreadsheet would see."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.models import Organisation, Record, Round, Submission
from app.questionnaires.loader import default_questionnaire
from app.services.find.download_columns import columns
from app.services.find.download_rows import row
from app.services.find.download_streams import csv_stream, data_dictionary_csv, json_stream
from app.services.find.downloads_xlsx import xlsx_chunks

QUESTIONNAIRE = default_questionnaire()
NAMES = {"1": "Kent Police", "2": "Kent Fire and Rescue Service", "3": "South East Coast Ambulance Service"}
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)"]
INJECTIONS = [*FORMULAS, "\tTAB", "\rCR"]  # answers are stored stripped, but a record's name is not


def make_record(number: int = 1, **answers) -> Record:
    base = {
        "project_name": "Blue light hub",
        "summary": "Police and fire share a station.",
        "lead_organisation": "1",
        "partners": ["2", "3"],
        "themes": ["shared_estates", "joint_training"],
        "geography": "force_area",
        "stage": "implemented",
        "start_date": {"month": "4", "year": "2024"},
        "pilot": "no",
        "cost": "£1,250.50",
        "cashable_savings": "40000",
        "sharing": "public",
    }
    base.update(answers)
    return Record(
        id=number,
        name=str(base["project_name"]),
        summary=str(base["summary"]),
        answers=base,
        facets={},
        search_text="",
        sharing="public",
        approved_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 1 July in London
        updated_at=datetime(2026, 7, 2, 9, 0, tzinfo=UTC),
        organisation=Organisation(name="Kent Police", sector="police", region="south_east"),
        submission=Submission(reference=f"COL-{number:04d}", round=Round(title="2026 collaboration return")),
    )


def csv_rows(records) -> list[list[str]]:
    text = "".join(csv_stream(records, QUESTIONNAIRE, NAMES))
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def headings() -> list[str]:
    return [column.heading for column in columns(QUESTIONNAIRE)]


def test_columns_are_the_fixed_ones_then_every_question_in_order():
    cols = columns(QUESTIONNAIRE)

    assert [c.heading for c in cols[:12]] == [
        "Reference",
        "Project name",
        "Lead organisation",
        "Lead organisation sector",
        "Region",
        "Round",
        "Approved",
        "Last updated",
        "Partners",
        "Shared with",
        "Imported from",
        "Answers kept as given",
    ]
    assert [c.question.id for c in cols[12:]] == [q.id for q in QUESTIONNAIRE.questions]
    assert len({c.key for c in cols}) == len(cols)
    assert len({c.heading for c in cols}) == len(cols)


def test_a_choice_questions_description_lists_the_possible_answers():
    stage = next(c for c in columns(QUESTIONNAIRE) if c.key == "stage")

    assert stage.description.startswith("What stage is the project at?")
    assert "Idea; Planning; Being set up; Up and running; Ended" in stage.description


def test_row_gives_labels_names_numbers_and_iso_dates():
    values = row(make_record(), QUESTIONNAIRE, NAMES)

    assert values["reference"] == "COL-0001"
    assert values["lead_organisation_sector"] == "Police"
    assert values["region"] == "South East"
    assert values["round"] == "2026 collaboration return"
    assert values["approved_on"] == "2026-07-01"
    assert values["partner_names"] == ["Kent Fire and Rescue Service", "South East Coast Ambulance Service"]
    assert values["themes"] == ["Shared estates", "Joint training"]
    assert values["stage"] == "Up and running"
    assert values["cost"] == Decimal("1250.50")
    assert values["start_date"] == "2024-04"
    assert values["end_date"] is None
    assert values["benefits"] == []


def test_csv_starts_with_a_byte_order_mark_and_the_header():
    chunks = list(csv_stream([make_record()], QUESTIONNAIRE, NAMES))

    assert chunks[0].startswith("\ufeffReference,Project name,")
    assert csv_rows([make_record()])[0] == headings()


def test_csv_joins_several_answers_in_one_cell():
    header, line = csv_rows([make_record()])
    cells = dict(zip(header, line, strict=True))

    assert cells["Collaboration themes"] == "Shared estates; Joint training"
    assert cells["Partners"] == "Kent Fire and Rescue Service; South East Coast Ambulance Service"


def test_csv_keeps_numbers_as_numbers_even_when_negative():
    header, line = csv_rows([make_record(cost="-£40", cashable_savings="1,000,000")])
    cells = dict(zip(header, line, strict=True))

    assert cells["Cost"] == "-40"
    assert cells["Cashable savings"] == "1000000"


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_neutralises_text_a_spreadsheet_would_run_as_a_formula(text):
    header, line = csv_rows([make_record(project_name=text, contact_name="Ann")])
    cells = dict(zip(header, line, strict=True))

    assert cells["Project name"] == "'" + text
    assert cells["Contact name"] == "Ann"


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_neutralises_formulas_in_answers_and_in_lists(text):
    record = make_record(summary=text, partners=["9"])
    header, line = csv_rows([record])
    cells = dict(zip(header, line, strict=True))

    assert cells["Project summary"] == "'" + text
    names = {**NAMES, "9": text}
    assert row(record, QUESTIONNAIRE, names)["partner_names"] == [text]
    header, line = list(csv.reader(io.StringIO("".join(csv_stream([record], QUESTIONNAIRE, names))[1:])))
    assert dict(zip(header, line, strict=True))["Partners"] == "'" + text


def test_xlsx_has_the_projects_and_a_data_dictionary_with_text_as_typed_and_no_formulas():
    records = [make_record(n, project_name=text, cost="-40") for n, text in enumerate(INJECTIONS, start=1)]

    workbook = load_workbook(io.BytesIO(b"".join(xlsx_chunks(records, QUESTIONNAIRE, NAMES))))

    assert workbook.sheetnames == ["Projects", "Data dictionary"]
    sheet = workbook["Projects"]
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header == headings()
    name, cost = header.index("Project name"), header.index("Cost")
    # Text exactly as typed, with no apostrophe, in string cells that can never be formulas.
    # A carriage return is written as the line feed a cell's line break is.
    assert [line[name] for line in lines] == [text.replace("\r", "\n") for text in INJECTIONS]
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    assert {r[name].data_type for r in sheet.iter_rows(min_row=2)} == {"s"}
    assert [line[cost] for line in lines] == [-40] * len(INJECTIONS)
    assert lines[0][header.index("Collaboration themes")] == "Shared estates; Joint training"
    dictionary = list(workbook["Data dictionary"].iter_rows(values_only=True))
    assert [line[0] for line in dictionary[1:]] == headings()


def test_xlsx_drops_control_characters_it_cannot_store():
    workbook = load_workbook(
        io.BytesIO(b"".join(xlsx_chunks([make_record(summary="\x01=1+1")], QUESTIONNAIRE, NAMES)))
    )

    header, line = list(workbook["Projects"].iter_rows(values_only=True))
    assert line[header.index("Project summary")] == "=1+1"


def test_json_is_an_array_of_objects_that_keeps_lists_and_numbers():
    text = "".join(json_stream([make_record(1), make_record(2, partners=[])], QUESTIONNAIRE, NAMES))

    first, second = json.loads(text)
    assert first["id"] == 1
    assert first["themes"] == ["Shared estates", "Joint training"]
    assert first["partner_names"] == ["Kent Fire and Rescue Service", "South East Coast Ambulance Service"]
    assert first["cost"] == 1250.5
    assert first["cashable_savings"] == 40000
    assert second["partners"] == []
    assert set(first) == {"id", *(column.key for column in columns(QUESTIONNAIRE))}


def test_json_of_no_records_is_an_empty_array():
    assert json.loads("".join(json_stream([], QUESTIONNAIRE, NAMES))) == []


def test_data_dictionary_has_a_row_per_column():
    lines = list(csv.reader(io.StringIO(data_dictionary_csv(QUESTIONNAIRE).removeprefix("\ufeff"))))

    assert lines[0] == ["Column", "Description", "Type", "JSON key"]
    assert [line[0] for line in lines[1:]] == headings()
    assert [lines[1:][headings().index("Cost")][i] for i in (0, 2, 3)] == ["Cost", "money", "cost"]


def test_csv_reads_records_only_as_it_sends_them():
    from app.services.find.downloads import CHUNK_RECORDS

    taken = []

    def records() -> Iterator[Record]:
        for number in range(1, 20_001):
            if number > 2 * CHUNK_RECORDS:
                raise AssertionError("the export read ahead")
            taken.append(number)
            yield make_record(number)

    chunks = list(itertools.islice(csv_stream(records(), QUESTIONNAIRE, NAMES), 3))

    assert len(chunks) == 3
    # At most one chunk's records are read before it is sent (64 KB or CHUNK_RECORDS of them).
    assert len(taken) <= 2 * CHUNK_RECORDS
    rows = list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff"))))
    assert len(rows) - 1 in (len(taken), len(taken) - 1)
