"""Checking an organisations CSV file before anything is imported. No database here."""

from collections import Counter

import pytest

from app.models.organisation import Region, Sector
from app.services.organisations.files import (
    SEED_FILE,
    CsvProblem,
    OrganisationRow,
    parse_organisations_csv,
)

FIRE = Sector.FIRE_AND_RESCUE
SECTOR_MESSAGE = (
    "Sector must be one of: Police, Fire and rescue, Ambulance, Police and crime commissioner, "
    "Local authority, Health, Coastguard, Other"
)


def problems_in(text: str | bytes) -> list[CsvProblem]:
    rows, problems = parse_organisations_csv(text)
    assert rows == [], "rows must not come back from a file with problems"
    return problems


def test_a_valid_file_gives_one_row_per_organisation():
    rows, problems = parse_organisations_csv(
        "name,sector,region,active\n"
        "Kent Police,police,south_east,yes\n"
        " British Transport Police , Police ,,\n"
        "Old Fire Authority,Fire and rescue,Yorkshire and the Humber,no\n"
        "Maritime and Coastguard Agency,COASTGUARD,,TRUE\n"
        "Lincolnshire Fire and Rescue,fire_and_rescue,East Midlands,0\n"
    )

    assert problems == []
    assert rows == [
        OrganisationRow(2, "Kent Police", Sector.POLICE, Region.SOUTH_EAST, True),
        OrganisationRow(3, "British Transport Police", Sector.POLICE, None, True),
        OrganisationRow(4, "Old Fire Authority", FIRE, Region.YORKSHIRE_AND_THE_HUMBER, False),
        OrganisationRow(5, "Maritime and Coastguard Agency", Sector.COASTGUARD, None, True),
        OrganisationRow(6, "Lincolnshire Fire and Rescue", FIRE, Region.EAST_MIDLANDS, False),
    ]


def test_optional_columns_can_be_left_out_and_columns_come_in_any_order():
    text = "Sector,Name\r\nambulance,London Ambulance Service NHS Trust\r\n"

    rows, problems = parse_organisations_csv(text)

    assert problems == []
    assert rows == [OrganisationRow(2, "London Ambulance Service NHS Trust", Sector.AMBULANCE, None, True)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("YES", True), ("true", True), ("1", True), ("", True), ("no", False), ("False", False)],
)
def test_active_accepts_yes_no_true_false_one_zero_and_blank(value, expected):
    rows, problems = parse_organisations_csv(f"name,sector,active\nKent Police,police,{value}\n")

    assert problems == []
    assert rows[0].active is expected


def test_a_utf8_bom_and_bytes_are_accepted():
    text = "name,sector,region\nYnys Môn Council,local_authority,wales\n"

    rows, problems = parse_organisations_csv(b"\xef\xbb\xbf" + text.encode())

    assert problems == []
    assert rows == [OrganisationRow(2, "Ynys Môn Council", Sector.LOCAL_AUTHORITY, Region.WALES, True)]
    assert parse_organisations_csv("\ufeff" + text) == (rows, [])


def test_blank_lines_are_ignored_and_line_numbers_still_match_the_file():
    problems = problems_in("name,sector\n\nKent Police,police\n,,\n   \nSurrey Police,polis\n")

    assert problems == [CsvProblem(6, "sector", SECTOR_MESSAGE)]


def test_trailing_empty_columns_saved_by_a_spreadsheet_are_ignored():
    rows, problems = parse_organisations_csv("name,sector,,\nKent Police,police,,\nSurrey Police,police\n")

    assert problems == []
    assert [row.name for row in rows] == ["Kent Police", "Surrey Police"]


def test_a_file_that_is_not_utf8_is_reported_on_the_line_where_it_breaks():
    latin1 = "name,sector\nKent Police,police\nYnys Môn Council,local_authority\n".encode("latin-1")

    assert problems_in(latin1) == [CsvProblem(3, "", "The file must be a CSV file saved as UTF-8")]


def test_a_spreadsheet_saved_as_utf16_is_not_utf8():
    assert problems_in("name,sector\n".encode("utf-16")) == [
        CsvProblem(1, "", "The file must be a CSV file saved as UTF-8")
    ]


@pytest.mark.parametrize("text", ["", b"", "\n\n", " , \n", "\ufeff"])
def test_an_empty_file(text):
    assert problems_in(text) == [CsvProblem(1, "", "The selected file is empty")]


def test_missing_required_columns_are_each_reported():
    assert problems_in("region,active\nsouth_east,yes\n") == [
        CsvProblem(1, "name", 'The header row must have a "name" column'),
        CsvProblem(1, "sector", 'The header row must have a "sector" column'),
    ]


def test_unknown_duplicate_and_unnamed_header_columns_are_reported():
    assert problems_in("name,sector,website,,Name\nKent Police,police,https://kent.police.uk,,x\n") == [
        CsvProblem(
            1, "website", '"website" is not a column we recognise: use name, sector, region, active, aliases'
        ),
        CsvProblem(1, "", "Column 4 in the header row has no name"),
        CsvProblem(1, "name", 'The header row has more than one "name" column'),
    ]


def test_rows_are_still_checked_when_the_header_has_a_problem():
    assert problems_in("name,sector,colour\n,police,blue\n") == [
        CsvProblem(
            1, "colour", '"colour" is not a column we recognise: use name, sector, region, active, aliases'
        ),
        CsvProblem(2, "name", "Enter a name"),
    ]


def test_an_empty_name():
    assert problems_in('name,sector\n"  ",police\n') == [CsvProblem(2, "name", "Enter a name")]


def test_a_name_over_200_characters():
    rows, problems = parse_organisations_csv(f"name,sector\n{'a' * 200},police\n")
    assert problems == []
    assert len(rows[0].name) == 200

    assert problems_in(f"name,sector\n{'a' * 201},police\n") == [
        CsvProblem(2, "name", "Name must be 200 characters or less")
    ]


def test_an_empty_or_unknown_sector():
    assert problems_in("name,sector\nKent Police,\nSurrey Police,Polce\nSussex Police,fire & rescue\n") == [
        CsvProblem(2, "sector", "Enter a sector"),
        CsvProblem(3, "sector", SECTOR_MESSAGE),
        CsvProblem(4, "sector", SECTOR_MESSAGE),
    ]


def test_an_unknown_region():
    assert problems_in("name,sector,region\nKent Police,police,Kent\n") == [
        CsvProblem(
            2,
            "region",
            "Region must be one of: North East, North West, Yorkshire and the Humber, East Midlands, "
            "West Midlands, East of England, London, South East, South West, Wales, "
            "or left blank for a national organisation",
        )
    ]


def test_an_active_value_that_is_not_yes_or_no():
    assert problems_in("name,sector,active\nKent Police,police,maybe\n") == [
        CsvProblem(2, "active", "Active must be yes or no")
    ]


def test_a_name_that_appears_twice_whatever_its_case_is_reported_on_the_later_line():
    text = "name,sector\nEssex Police,police\nSurrey Police,police\nKent Police,police\nKENT POLICE ,police\n"

    assert problems_in(text) == [
        CsvProblem(5, "name", '"KENT POLICE" appears more than once (first on line 4)'),
    ]


@pytest.mark.parametrize("line", ["Kent Police", "Kent Police,police,south_east,yes,extra"])
def test_a_line_with_the_wrong_number_of_values(line):
    problems = problems_in(f"name,sector,region,active\n{line}\n")

    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (2, "")
    assert problems[0].message.startswith("This line has ")
    assert "but the header row has 4" in problems[0].message


def test_every_problem_in_the_file_is_reported_in_line_order():
    problems = problems_in(
        "name,sector,region,active\n"
        ",police,south_east,yes\n"
        "Kent Police,police,Kent,yes\n"
        "Surrey Police,polis,south_east,perhaps\n"
        "Sussex Police,police\n"
        "Kent Police,police,south_east,yes\n"
    )

    assert [(problem.line, problem.column) for problem in problems] == [
        (2, "name"),
        (3, "region"),
        (4, "sector"),
        (4, "active"),
        (5, ""),
        (6, "name"),
    ]


def test_a_quoted_cell_over_several_lines_keeps_later_line_numbers_right():
    problems = problems_in('name,sector\n"Kent\nPolice",police\nSurrey Police,polis\n')

    assert problems == [CsvProblem(4, "sector", SECTOR_MESSAGE)]


def test_a_problem_describes_itself_for_the_command_line():
    assert CsvProblem(5, "sector", "Enter a sector").describe() == "line 5, column sector: Enter a sector"
    assert CsvProblem(1, "", "The selected file is empty").describe() == "line 1: The selected file is empty"


@pytest.fixture(scope="module")
def seed_rows():
    rows, problems = parse_organisations_csv(SEED_FILE.read_bytes())
    assert problems == []
    return rows


class TestTheShippedSeedFile:
    @pytest.fixture
    def rows(self, seed_rows):
        return seed_rows

    def test_has_every_police_force_of_england_and_wales_plus_british_transport_police(self, rows):
        police = [row for row in rows if row.sector is Sector.POLICE]
        assert len(police) == 44
        territorial = [row for row in police if row.region is not None]
        assert len(territorial) == 43
        assert [row.name for row in police if row.region is None] == ["British Transport Police"]
        assert sum(row.region is Region.WALES for row in territorial) == 4

    def test_has_the_fire_and_rescue_services_of_wales_and_london(self, rows):
        fire = [row for row in rows if row.sector is Sector.FIRE_AND_RESCUE]
        assert sum(row.region is Region.WALES for row in fire) >= 3
        assert "London Fire Brigade" in {row.name for row in fire}
        assert "Isles of Scilly Fire and Rescue Service" in {row.name for row in fire}
        assert all(row.region is not None for row in fire)

    def test_has_twelve_ambulance_services(self, rows):
        ambulance = [row for row in rows if row.sector is Sector.AMBULANCE]
        assert len(ambulance) == 12
        assert "Welsh Ambulance Services University NHS Trust" in {row.name for row in ambulance}
        assert "Isle of Wight Ambulance Service" in {row.name for row in ambulance}

    def test_has_one_policing_body_for_each_territorial_force(self, rows):
        commissioners = [row for row in rows if row.sector is Sector.POLICE_AND_CRIME_COMMISSIONER]
        assert len(commissioners) == 43
        assert "Mayor's Office for Policing and Crime" in {row.name for row in commissioners}

    def test_has_exactly_one_coastguard_which_is_national(self, rows):
        assert [(row.name, row.region) for row in rows if row.sector is Sector.COASTGUARD] == [
            ("Maritime and Coastguard Agency", None)
        ]

    def test_is_sorted_by_sector_then_name_and_every_organisation_is_active(self, rows):
        order = list(Sector)
        assert rows == sorted(rows, key=lambda row: (order.index(row.sector), row.name.lower()))
        assert all(row.active for row in rows)

    def test_writes_names_in_full_with_and_rather_than_ampersands(self, rows):
        assert not [row.name for row in rows if "&" in row.name or "  " in row.name]
        assert Counter(row.name.lower() for row in rows).most_common(1)[0][1] == 1
