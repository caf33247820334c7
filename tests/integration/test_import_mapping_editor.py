"""The mapping page's service: an import's mapping changed column by column and value by value, checked
again, saved under a name and used again; hostile posts refused with nothing changed."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ImportBatch, ImportMode, ImportStatus, SavedMapping
from app.services.errors import DomainError
from app.services.imports import batches, remapping
from app.services.imports import saved as saved_mappings
from app.services.imports.editing import LEAVE_OUT, MappingEditRefused
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories

TITLE = "Collaboration return 2017"


@pytest.fixture(scope="module")
def responses():
    return history.generate(120, seed=2017)


@pytest.fixture
def admin(app):
    load_seed_organisations()
    db.session.commit()
    return factories.administrator(email="ada@example.org")


def checked(admin, data: bytes, name: str = "export.csv", mapping_text: str = "", mapping_name: str = ""):
    batch = batches.upload(
        data=data,
        file_name=name,
        mapping_text=mapping_text,
        mapping_name=mapping_name,
        round_title=TITLE,
        year=2017,
        mode=ImportMode.RECORDS,
        by=admin,
    )
    db.session.commit()
    assert "checked" in batches.run_pending()
    db.session.refresh(batch)
    return batch


def column_of(content, title_start: str):
    return next(c for c in content.columns if c.title.startswith(title_start))


def section_of(content, target: str):
    return next(s for s in content.sections if s.target == target)


@pytest.mark.parametrize("condensed", [True, False], ids=["condensed", "expanded"])
def test_the_editor_shows_every_column_and_each_choice_value_with_what_it_is_read_as(
    admin, responses, condensed
):
    data = history.condensed_csv(responses) if condensed else history.expanded_csv(responses)
    batch = checked(admin, data)
    content = remapping.editor(batch)

    assert len(content.columns) == len(content.table.columns)
    assert column_of(content, history.Q_LEAD).target == "lead_organisation"
    assert column_of(content, "Respondent ID").target == "row_id"
    assert column_of(content, "IP Address").target == LEAVE_OUT
    assert all(len(c.samples) <= 5 for c in content.columns)
    assert column_of(content, history.Q_NAME).samples
    stage = section_of(content, "stage")
    labels = {v.label: v.choice for v in stage.values}
    assert labels, stage
    assert any(choice for choice in labels.values())  # proposed by likeness and synonyms


@pytest.mark.parametrize("condensed", [True, False], ids=["condensed", "expanded"])
def test_saving_the_mapping_unchanged_gives_the_same_report(admin, responses, condensed):
    data = history.condensed_csv(responses) if condensed else history.expanded_csv(responses)
    batch = checked(admin, data)
    before = batch.report
    content = remapping.editor(batch)
    posted = {c.field: c.target for c in content.columns}
    posted |= {s.field(n): v.choice for s in content.sections for n, v in enumerate(s.values)}

    remapping.change(batch, posted, by=admin)
    db.session.commit()
    assert "checked" in batches.run_pending()
    db.session.refresh(batch)
    assert batch.report["ready"] == before["ready"] and batch.report["columns"] == before["columns"]
    assert batch.report["warnings_by_column"] == before["warnings_by_column"]


def test_in_an_expanded_export_an_option_column_is_read_on_its_own_or_with_its_question(admin, responses):
    batch = checked(admin, history.expanded_csv(responses))
    content = remapping.editor(batch)
    themes = [c for c in content.columns if c.target == "themes"]
    assert len(themes) > 2
    with pytest.raises(MappingEditRefused, match="are read together as"):
        remapping.change(batch, {themes[0].field: LEAVE_OUT}, by=admin)
    email = next(c for c in content.columns if c.title.endswith("Email Address"))
    remapping.change(batch, {email.field: LEAVE_OUT, themes[1].field: "barriers_details"}, by=admin)
    questions = yaml.safe_load(batch.mapping_text)["questions"]
    assert "contact_email" not in questions
    assert questions["barriers_details"] == {
        "column": history.Q_THEMES,
        "option": themes[1].title.split(" - ")[-1],
    }
    assert questions["themes"]["column"] == history.Q_THEMES and "option" not in questions["themes"]


def test_changing_a_column_and_a_choice_rechecks_the_batch_with_the_new_mapping(admin, responses):
    batch = checked(admin, history.condensed_csv(responses))
    batch.decisions = {"skip": [1]}
    db.session.commit()
    content = remapping.editor(batch)
    lessons = column_of(content, history.Q_LESSONS)
    stage = section_of(content, "stage")
    number, value = next((n, v) for n, v in enumerate(stage.values) if v.choice)
    posted = {lessons.field: LEAVE_OUT, stage.field(number): "idea"}

    remapping.change(batch, posted, save_as="SurveyMonkey 2017", by=admin)
    db.session.commit()

    assert batch.status == ImportStatus.TO_CHECK and batch.report is None and batch.decisions is None
    assert batch.mapping_name == "SurveyMonkey 2017"
    text = yaml.safe_load(batch.mapping_text)
    assert "lessons_learnt" not in text["questions"]
    stage_entry = text["questions"]["stage"]
    assert stage_entry["choices"][" ".join(value.label.split()).casefold()] == "idea"
    saved = db.session.scalar(select(SavedMapping))
    assert saved.name == "SurveyMonkey 2017" and saved.mapping_text == batch.mapping_text
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"import.mapping_changed", "import_mapping.saved"} <= actions
    assert "checked" in batches.run_pending()
    db.session.refresh(batch)
    columns = {c["column"]: c["question"] for c in batch.report["columns"]}
    assert columns[history.Q_LESSONS] == ""

    # The same mapping, used again for another file of the same survey, from the upload.
    name, text = remapping.use_saved(str(saved.id))
    again = checked(admin, history.condensed_csv(responses[:40]), "again.csv", text, name)
    assert again.status == ImportStatus.CHECKED and again.mapping_name == "SurveyMonkey 2017"
    assert remapping.use_saved("surveymonkey  2017")[0] == "SurveyMonkey 2017"


def test_a_value_kept_as_given_stays_so_and_is_reported(admin, responses):
    batch = checked(admin, history.condensed_csv(responses))
    content = remapping.editor(batch)
    stage = section_of(content, "stage")
    number, value = next((n, v) for n, v in enumerate(stage.values) if v.choice)

    remapping.change(batch, {stage.field(number): ""}, by=admin)
    db.session.commit()
    assert "checked" in batches.run_pending()
    db.session.refresh(batch)
    assert value.label in batch.report["warnings_by_column"][history.Q_STAGE]["examples"]
    again = remapping.editor(batch)
    kept = next(v for v in section_of(again, "stage").values if v.label == value.label)
    assert kept.choice == ""
    assert batch.mapping_name == "Changed on the mapping page"


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"column-999": "project_name"}, "The file has no column 999"),
        ({"column-5": "no_such_question"}, "Choose the question that column"),
        ({"choice-no_such-0": "idea"}, "'no_such' is not a choice question"),
        ({"choice-stage-0": "not_a_choice"}, "from the list"),
        ({"choice-stage-9999": "idea"}, "'stage' is not a choice question"),
        ({"column-99999999999999999999": "summary", "column-x": "summary"}, "The file has no column"),
        ({"choice-stage-\u0661": "idea"}, "'stage' is not a choice question"),
        ({"column-5": "project_name"}, "is already read from column"),
    ],
)
def test_hostile_or_impossible_posts_are_refused_and_change_nothing(admin, responses, posted, message):
    batch = checked(admin, history.condensed_csv(responses))
    before = (batch.mapping_text, batch.status, batch.report)
    with pytest.raises(MappingEditRefused) as refused:
        remapping.change(batch, posted, by=admin)
    assert message in str(refused.value)
    db.session.rollback()
    db.session.refresh(batch)
    assert (batch.mapping_text, batch.status, batch.report) == before


def test_the_lead_organisation_column_cannot_be_left_out(admin, responses):
    batch = checked(admin, history.condensed_csv(responses))
    lead = column_of(remapping.editor(batch), history.Q_LEAD)
    with pytest.raises(MappingEditRefused, match="lead organisation"):
        remapping.change(batch, {lead.field: ""}, by=admin)


def test_a_saved_name_is_unique_and_a_saved_mapping_can_be_deleted(admin, responses):
    saved = saved_mappings.save("Survey", "questions: {}\n", by=admin)
    with pytest.raises(DomainError, match="saved already"):
        saved_mappings.save(" survey ", "questions: {}\n", by=admin)
    assert saved_mappings.save("survey", "format: surveymonkey\n", by=admin, replacing="Survey") is saved
    with pytest.raises(DomainError, match="Enter a name"):
        saved_mappings.save("  ", "x", by=admin)
    saved_mappings.delete(saved, by=admin)
    db.session.commit()
    assert db.session.scalar(select(SavedMapping)) is None
    assert "import_mapping.deleted" in set(db.session.scalars(select(AuditEvent.action)))


def test_an_imported_batch_keeps_its_mapping(admin, responses):
    batch = checked(admin, history.condensed_csv(responses[:30]))
    batches.confirm(batch, by=admin)
    db.session.commit()
    with pytest.raises(DomainError, match="can no longer be changed"):
        remapping.editor(db.session.get(ImportBatch, batch.id))
