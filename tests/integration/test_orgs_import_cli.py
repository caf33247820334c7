"""`flask orgs import` and `flask orgs list` against a real database, and the seed loader."""

import re

from app.extensions import db
from app.models.organisation import Organisation, Region, Sector
from app.services.organisations.files import SEED_FILE, load_seed_organisations, parse_organisations_csv

VALID = (
    "name,sector,region,active\n"
    "Kent Police,police,south_east,yes\n"
    "British Transport Police,Police,,\n"
    "Old Fire Authority,Fire and rescue,Yorkshire and the Humber,no\n"
)


def organisations(app) -> dict[str, tuple[Sector, Region | None, bool]]:
    with app.app_context():
        found = db.session.scalars(db.select(Organisation))
        return {org.name: (org.sector, org.region, org.active) for org in found}


def import_file(runner, tmp_path, text: str | bytes, name: str = "organisations.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return runner.invoke(args=["orgs", "import", str(path)])


def test_a_valid_file_is_imported_and_importing_it_again_changes_nothing(app, runner, tmp_path):
    result = import_file(runner, tmp_path, VALID)

    assert result.exit_code == 0, result.output
    assert "Imported organisations: 3 created, 0 updated, 0 unchanged." in result.output
    assert organisations(app) == {
        "Kent Police": (Sector.POLICE, Region.SOUTH_EAST, True),
        "British Transport Police": (Sector.POLICE, None, True),
        "Old Fire Authority": (Sector.FIRE_AND_RESCUE, Region.YORKSHIRE_AND_THE_HUMBER, False),
    }

    again = import_file(runner, tmp_path, VALID)

    assert again.exit_code == 0, again.output
    assert "Imported organisations: 0 created, 0 updated, 3 unchanged." in again.output
    assert len(organisations(app)) == 3


def test_an_import_updates_organisations_matched_by_name_whatever_its_case(app, runner, tmp_path):
    import_file(runner, tmp_path, VALID)

    result = import_file(
        runner,
        tmp_path,
        "name,sector,region,active\n"
        "KENT POLICE,police,south_east,no\n"
        "British Transport Police,police,,yes\n"
        "Surrey Police,police,south_east,yes\n",
        name="changes.csv",
    )

    assert result.exit_code == 0, result.output
    assert "Imported organisations: 1 created, 1 updated, 1 unchanged." in result.output
    found = organisations(app)
    assert found["KENT POLICE"] == (Sector.POLICE, Region.SOUTH_EAST, False)
    assert "Kent Police" not in found
    assert found["Surrey Police"] == (Sector.POLICE, Region.SOUTH_EAST, True)
    assert len(found) == 4


def test_a_file_with_one_bad_line_imports_nothing_and_says_where_the_problem_is(app, runner, tmp_path):
    result = import_file(
        runner,
        tmp_path,
        "name,sector,region,active\n"
        "Kent Police,police,south_east,yes\n"
        "Surrey Police,polis,south_east,yes\n"
        "Sussex Police,police,south_east,yes\n",
    )

    assert result.exit_code == 1
    assert "line 3, column sector: Sector must be one of: Police, Fire and rescue" in result.stderr
    assert "Nothing was imported: the file has 1 problem." in result.stderr
    assert "Imported organisations" not in result.output
    assert organisations(app) == {}


def test_every_problem_is_listed_before_giving_up(app, runner, tmp_path):
    result = import_file(
        runner,
        tmp_path,
        "name,sector,region,active\n,police,south_east,yes\nKent Police,police,Kent,maybe\n",
    )

    assert result.exit_code == 1
    assert "line 2, column name: Enter a name" in result.stderr
    assert "line 3, column region: Region must be one of:" in result.stderr
    assert "line 3, column active: Active must be yes or no" in result.stderr
    assert "Nothing was imported: the file has 3 problems." in result.stderr
    assert organisations(app) == {}


def test_a_file_that_is_not_utf8_imports_nothing(app, runner, tmp_path):
    result = import_file(runner, tmp_path, "name,sector\nYnys Môn Council,local_authority\n".encode("cp1252"))

    assert result.exit_code == 1
    assert "line 2: The file must be a CSV file saved as UTF-8" in result.stderr
    assert organisations(app) == {}


def test_a_file_that_does_not_exist_is_refused(app, runner, tmp_path):
    result = runner.invoke(args=["orgs", "import", str(tmp_path / "missing.csv")])

    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_list_shows_each_organisation_with_its_sector_region_and_whether_it_is_active(app, runner, tmp_path):
    import_file(runner, tmp_path, VALID)

    result = runner.invoke(args=["orgs", "list"])

    assert result.exit_code == 0, result.output
    lines = [re.split(r"\s{2,}", line.strip()) for line in result.output.splitlines()]
    assert lines == [
        ["British Transport Police", "Police", "National", "yes"],
        ["Kent Police", "Police", "South East", "yes"],
        ["Old Fire Authority", "Fire and rescue", "Yorkshire and the Humber", "no"],
    ]


def test_list_says_when_there_are_no_organisations(app, runner):
    result = runner.invoke(args=["orgs", "list"])

    assert result.exit_code == 0
    assert "There are no organisations." in result.output


def test_the_seed_loader_can_be_run_again_without_changing_anything(app):
    rows, _ = parse_organisations_csv(SEED_FILE.read_bytes())

    with app.app_context():
        first = load_seed_organisations()
        db.session.commit()
        second = load_seed_organisations()
        db.session.commit()
        count = db.session.scalar(db.select(db.func.count()).select_from(Organisation))

    assert (first.created, first.updated, first.unchanged) == (len(rows), 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, len(rows))
    assert count == len(rows)
    assert organisations(app)["Maritime and Coastguard Agency"] == (Sector.COASTGUARD, None, True)
