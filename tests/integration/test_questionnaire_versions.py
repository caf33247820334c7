"""Administrators add questionnaire versions (every problem listed by line, nothing stored when there is one),
copy a version as the start of the next, and preview every page as a lead sees it."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import AuditEvent, QuestionnaireVersion, Sector
from app.models.base import utcnow
from app.questionnaires.loader import DEFAULT_DEFINITION, default_questionnaire, load_definition
from app.services.rounds import deadlines as rounds
from app.services.rounds import questionnaire_versions
from tests import factories
from tests.conftest import csrf_token, sign_in, submit_form

BAD_DEFINITION = """\
id: collaboration
version: "2027.1"
title: A questionnaire with mistakes
declaration: I confirm it is right.
sections:
  - id: about
    title: About the project
    pages:
      - id: name
        title: What is it called?
        questions:
          - id: project_name
            type: txt
            label: What is it called?
          - id: project_name
            type: text
            label: Again
          - id: summary
            type: long_text
"""


@pytest.fixture
def admin_client(client):
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    return client


def _upload(client, text: str, name: str = "questionnaire.yaml", **extra):
    token = csrf_token(client, "/admin/questionnaires/new")
    data = {"csrf_token": token, "definition_file": (io.BytesIO(text.encode()), name), **extra}
    return client.post("/admin/questionnaires/new", data=data, content_type="multipart/form-data")


def _stored() -> int:
    return db.session.scalar(select(func.count(QuestionnaireVersion.id)))


def _shipped_with(version: str) -> str:
    text = DEFAULT_DEFINITION.read_text(encoding="utf-8")
    return text.replace('version: "2026.1"', f'version: "{version}"', 1)


def test_an_upload_with_several_problems_lists_each_with_its_line_and_stores_nothing(admin_client):
    response = _upload(admin_client, BAD_DEFINITION)
    assert response.status_code == 200
    page = response.text
    assert "<title>Error: Add a questionnaire version" in page
    assert "There is a problem" in page
    for problem in (
        "Line 13: Unknown question type 'txt'",
        "Line 15: Question id 'project_name' is used more than once: it was first used on line 12",
        "Line 18: Question 'summary' is missing 'label'",
    ):
        assert problem in page, problem
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    assert summary.count('href="#definition_text"') == 3
    assert "The definition has 3 problems, on lines 13, 15 and 18" in page
    # The file's text is in the box, so that the lines can be put right there.
    assert "type: txt" in page[page.index("<textarea") :]
    assert _stored() == 0
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("questionnaire%"))).all() == []


def test_the_same_problems_are_listed_for_a_pasted_definition(admin_client):
    page = submit_form(admin_client, "/admin/questionnaires/new", {"definition_text": BAD_DEFINITION}).text
    assert "Line 13: Unknown question type 'txt'" in page
    assert "Line 18: Question 'summary' is missing 'label'" in page
    broken = submit_form(
        admin_client, "/admin/questionnaires/new", {"definition_text": "id: [unclosed\n"}
    ).text
    assert re.search(r"Line \d+: This is not valid YAML", broken)
    assert _stored() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("id: x\n", "questionnaire.txt", "The selected file must be a YAML file (.yaml or .yml)"),
        ("", "questionnaire.yaml", "The selected file is empty"),
        ("\udcff", "questionnaire.yaml", "The selected file must be text in UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_govuk_message(admin_client, content, name, message):
    raw = content.encode("utf-8", "surrogateescape")
    token = csrf_token(admin_client, "/admin/questionnaires/new")
    page = admin_client.post(
        "/admin/questionnaires/new",
        data={"csrf_token": token, "definition_file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    ).text
    assert message in page
    assert 'href="#definition_file"' in page
    assert _stored() == 0


def test_a_file_or_the_text_box_but_not_neither_or_both(admin_client):
    page = submit_form(admin_client, "/admin/questionnaires/new", {}).text
    assert "Select a YAML file or paste the definition" in page
    page = _upload(admin_client, BAD_DEFINITION, definition_text="id: x").text
    assert "Choose a file or paste the definition, not both" in page
    assert _stored() == 0


def test_a_valid_version_is_added_and_a_second_with_the_same_key_is_refused(admin_client):
    response = _upload(admin_client, _shipped_with("2027.1"), name="collaboration-2027.1.yaml")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/questionnaires"
    keys = set(db.session.scalars(select(QuestionnaireVersion.key)))
    assert keys == {"collaboration/2027.1", "collaboration/2026.1"}  # the shipped one is kept alongside
    listing = admin_client.get("/admin/questionnaires").text
    assert "Version collaboration/2027.1 has been added" in listing
    assert listing.count("Not used yet") == 2
    event_ = db.session.scalars(select(AuditEvent).filter_by(action="questionnaire_version.added")).one()
    assert event_.details == {"key": "collaboration/2027.1"}

    changed = _shipped_with("2027.1").replace("Tell us about a collaboration project", "Changed title")
    page = _upload(admin_client, changed).text
    assert (
        "Version 2027.1 of 'collaboration' already exists: give the new definition a version of its own"
        in page
    )
    shipped = _upload(admin_client, _shipped_with("2026.1")).text
    assert "Version 2026.1 of 'collaboration' already exists" in shipped
    stored = db.session.scalars(select(QuestionnaireVersion).filter_by(key="collaboration/2027.1")).one()
    assert "Changed title" not in stored.definition
    assert _stored() == 2


def test_a_round_uses_a_chosen_version_which_then_shows_as_in_use(admin_client):
    _upload(admin_client, _shipped_with("2027.1"))
    newer = db.session.scalars(select(QuestionnaireVersion).filter_by(key="collaboration/2027.1")).one()
    form = admin_client.get("/admin/rounds/new").text
    options = re.findall(r'<option value="([^"]*)"', form)
    assert options[0] == str(newer.id)  # the newest first, so chosen unless changed
    response = submit_form(
        admin_client,
        "/admin/rounds/new",
        {
            "title": "Collaboration return 2027",
            "opens_date": ["1", "10", "2027"],
            "opens_time": "9am",
            "deadline_date": ["18", "12", "2027"],
            "deadline_time": "11:59pm",
            "reminder_offsets": "14, 7",
            "questionnaire": str(newer.id),
        },
    )
    assert response.status_code == 302
    listing = admin_client.get("/admin/questionnaires").text
    assert "In use: cannot change" in listing
    assert "Collaboration return 2027" in listing


def test_copy_offers_the_yaml_with_the_version_moved_on(admin_client):
    round_ = rounds.create_round(
        title="Return 2026",
        opens_at=utcnow(),
        deadline=utcnow() + timedelta(days=30),
        version=rounds.default_version(),
    )
    db.session.commit()
    original = round_.questionnaire_version
    page = admin_client.get(f"/admin/questionnaires/new?copy={original.id}").text
    assert "Copy collaboration/2026.1" in page
    box = page[page.index("<textarea") : page.index("</textarea>")]
    assert 'version: "2026.2"' in box
    assert "# The emergency services collaboration questionnaire" in box  # comments are kept
    assert 'version: "2026.1"' not in box

    download = admin_client.get(f"/admin/questionnaires/{original.id}/copy.yaml")
    assert download.status_code == 200
    assert 'filename="collaboration-2026.2.yaml"' in download.headers["Content-Disposition"]
    copied = load_definition(download.get_data(as_text=True))
    assert copied.version == "2026.2"
    assert copied.pages == default_questionnaire().pages

    # Saved as it is, it becomes the next version; a further copy of the first moves on past it.
    assert submit_form(admin_client, "/admin/questionnaires/new", {"definition_text": box.split(">", 1)[1]})
    assert db.session.scalar(select(QuestionnaireVersion.id).filter_by(key="collaboration/2026.2"))
    text, bumped = questionnaire_versions.copy_text(original)
    assert bumped == "2026.3"
    assert yaml.safe_load(text)["version"] == "2026.3"
    assert admin_client.get(f"/admin/questionnaires/{original.id}.yaml").get_data(as_text=True) == (
        original.definition
    )


@pytest.mark.parametrize(
    ("version", "following"), [("2026.1", "2026.2"), ("2026.9", "2026.10"), ("7", "8"), ("beta", "beta.1")]
)
def test_next_version(version, following):
    assert questionnaire_versions.next_version(version) == following


def test_preview_shows_every_page_of_the_default_questionnaire_and_writes_nothing(admin_client):
    factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    version = rounds.default_version()
    db.session.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    questionnaire = default_questionnaire()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for number, page in enumerate(questionnaire.pages, start=1):
            response = admin_client.get(f"/admin/questionnaires/{version.id}/preview/{page.id}")
            assert response.status_code == 200, page.id
            text = response.text
            main = text[text.index('<main class="govuk-main-wrapper"') : text.index("</main>")]
            assert f"page {number} of {len(questionnaire.pages)}" in main
            assert "Preview: " in main  # the caption
            assert "<form" not in main  # nothing on a preview can be sent
            assert re.search(r"<button[^>]*disabled[^>]*>\s*Save and continue", main), page.id
            for question in page.questions:
                if not question.show_when:
                    assert question.label in main, (page.id, question.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    first = admin_client.get(f"/admin/questionnaires/{version.id}/preview").text
    assert "What is the project called?" in first
    partners = admin_client.get(f"/admin/questionnaires/{version.id}/preview/partners").text
    assert "Kent Fire and Rescue Service" in partners
    findings = admin_client.get(f"/admin/questionnaires/{version.id}/preview/evaluation_findings").text
    assert "Leads see this page only when the answer to" in findings
    assert admin_client.post(f"/admin/questionnaires/{version.id}/preview/partners").status_code == 405
    assert admin_client.get(f"/admin/questionnaires/{version.id}/preview/nothing").status_code == 404
    assert admin_client.get("/admin/questionnaires/999999/preview").status_code == 404


@pytest.mark.commits  # Alembic works on a connection of its own
def test_upgrading_gives_versions_stored_before_roles_the_roles_the_service_reads(app):
    from flask_migrate import downgrade, upgrade

    migrations = str(Path(app.root_path).parent / "migrations")
    version_id = rounds.default_version().id
    db.session.commit()
    db.session.remove()
    downgrade(directory=migrations, revision="0019-1")
    before = db.session.get(QuestionnaireVersion, version_id).definition
    assert "role:" not in before
    db.session.remove()
    upgrade(directory=migrations)
    after = db.session.get(QuestionnaireVersion, version_id).definition
    # The shipped file, but for the roles added after migration 0019 (the overview's quotes).
    shipped = DEFAULT_DEFINITION.read_text(encoding="utf-8")
    assert after == re.sub(r"^ *role: (enablers|barriers)_details\n", "", shipped, flags=re.M)
    assert load_definition(after).role_question("sharing").id == "sharing"


def test_a_release_that_changed_the_shipped_file_leaves_a_used_version_as_its_round_answered_it(app, runner):
    """An instance upgraded to a release whose shipped 2026.1 file gained rules keeps the text its rounds were
    answered on; starting the service, the demo and the Questionnaire versions page go on working."""
    version = rounds.default_version()
    version.definition += "# as an earlier release shipped it\n"
    rounds.create_round(
        title="Collaboration return 2026",
        opens_at=utcnow() - timedelta(days=1),
        deadline=utcnow() + timedelta(days=30),
        version=version,
    )
    db.session.commit()
    stored = version.definition

    assert rounds.default_version().id == version.id
    assert version.definition == stored  # not rewritten with the shipped file's text
    assert runner.invoke(args=["demo", "setup"]).exit_code == 0
