"""The mapping page, saved mappings and their use on the upload page and the command line, through the
views, against a real database."""

from __future__ import annotations

import io
import json
import re

import pytest
import yaml
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, ImportBatch, ImportStatus, SavedMapping
from app.services.imports import batches
from app.services.organisations.files import load_seed_organisations
from bench import surveymonkey_history as history
from tests import factories
from tests.conftest import csrf_token, sign_in

TITLE = "Collaboration return 2017"


@pytest.fixture(scope="module")
def responses():
    return history.generate(80, seed=2017)


@pytest.fixture
def admin(app):
    load_seed_organisations()
    db.session.commit()
    return factories.administrator(email="ada@example.org")


def upload(client, data: bytes, **extra) -> str:
    form = {
        "csrf_token": csrf_token(client, "/admin/imports/new"),
        "round_title": TITLE,
        "year": "2017",
        "mode": "records",
        "responses": (io.BytesIO(data), "export.csv"),
        **extra,
    }
    response = client.post("/admin/imports/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    assert "checked" in batches.run_pending()
    return response.headers["Location"]


def test_the_mapping_is_changed_on_its_page_saved_and_the_file_checked_again(client, admin, responses):
    sign_in(client, admin.email, factories.PASSWORD)
    location = upload(client, history.condensed_csv(responses))
    check = client.get(location).text
    assert "Change the mapping" in check and f"{location}/mapping" in check

    page = client.get(f"{location}/mapping").text
    assert "Column 1: Respondent ID" in page and "Leave this column out" in page and "Keep as given" in page
    lessons = re.search(r"Column (\d+): " + re.escape(history.Q_LESSONS), page).group(1)
    lessons_field = re.search(r'id="card-(column-\d+)"[^>]*>\s*<div[^>]*>\s*<h3[^>]*>Column ' + lessons, page)
    stage_value = "choice-stage-0"  # the most frequent value of the stage question unlike its choices
    assert f'name="{stage_value}"' in page
    data = {
        "csrf_token": csrf_token(client, f"{location}/mapping"),
        lessons_field.group(1): "",
        stage_value: "idea",
        "save_as": "SurveyMonkey collaboration survey",
    }
    response = client.post(f"{location}/mapping", data=data)
    assert response.status_code == 302, response.text
    shown = client.get(location).text
    assert "saved as SurveyMonkey collaboration survey" in shown and "being checked again" in shown
    assert "checked" in batches.run_pending()
    shown = client.get(location).text
    assert "Check the report for export.csv" in shown and "SurveyMonkey collaboration survey" in shown
    batch = db.session.scalar(select(ImportBatch))
    assert "lessons_learnt" not in yaml.safe_load(batch.mapping_text)["questions"]

    # Saved mappings: listed, downloaded, offered on the upload page, used again.
    listing = client.get("/admin/imports/mappings").text
    assert "SurveyMonkey collaboration survey" in listing
    saved = db.session.scalar(select(SavedMapping))
    download = client.get(f"/admin/imports/mappings/{saved.id}.yaml")
    assert download.status_code == 200 and download.text == batch.mapping_text
    assert "attachment" in download.headers["Content-Disposition"]
    form = client.get("/admin/imports/new").text
    assert "Propose one from the file" in form and "SurveyMonkey collaboration survey" in form
    again = upload(client, history.condensed_csv(responses[:30]), saved_mapping=str(saved.id))
    assert "SurveyMonkey collaboration survey" in client.get(again).text
    second = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert second.mapping_text == saved.mapping_text and second.status == ImportStatus.CHECKED

    # Deleted after a question; the audit log has both.
    assert (
        "Delete the mapping SurveyMonkey collaboration survey?"
        in client.get(f"/admin/imports/mappings/{saved.id}/delete").text
    )
    token = csrf_token(client, f"/admin/imports/mappings/{saved.id}/delete")
    response = client.post(f"/admin/imports/mappings/{saved.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert "No mapping has been saved yet" in client.get("/admin/imports/mappings").text
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"import_mapping.saved", "import_mapping.deleted", "import.mapping_changed"} <= actions


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"column-99999": "project_name"}, "The file has no column 99999"),
        ({"column-5": "'; drop table imports; --"}, "Choose the question that column"),
        ({"choice-stage-0": "<script>"}, "from the list"),
        ({"choice-../../etc-0": "idea", "choice-nope-0": "x"}, "is not a choice question of this mapping"),
        ({"column-7": "project_name"}, "is already read from column"),
        ({"save_as": "x" * 101}, "100 characters or fewer"),
    ],
)
def test_hostile_posts_show_a_message_and_change_nothing(client, admin, responses, posted, message):
    sign_in(client, admin.email, factories.PASSWORD)
    location = upload(client, history.condensed_csv(responses))
    before = db.session.scalar(select(ImportBatch)).mapping_text
    data = {"csrf_token": csrf_token(client, f"{location}/mapping"), **posted}
    response = client.post(f"{location}/mapping", data=data)
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    db.session.expire_all()
    batch = db.session.scalar(select(ImportBatch))
    assert batch.mapping_text == before and batch.status == ImportStatus.CHECKED
    assert db.session.scalar(select(func.count()).select_from(SavedMapping)) == 0


def test_a_name_taken_by_another_saved_mapping_is_refused(client, admin, responses):
    from app.services.imports import saved as saved_mappings

    saved_mappings.save("Taken", "questions: {}\n", by=admin)
    db.session.commit()
    sign_in(client, admin.email, factories.PASSWORD)
    location = upload(client, history.condensed_csv(responses))
    data = {"csrf_token": csrf_token(client, f"{location}/mapping"), "save_as": "taken"}
    response = client.post(f"{location}/mapping", data=data)
    assert response.status_code == 200 and "A mapping called Taken is saved already" in response.text


def test_the_upload_refuses_a_saved_mapping_and_a_file_together_or_an_unknown_one(client, admin, responses):
    from app.services.imports import saved as saved_mappings

    saved = saved_mappings.save("Taken", "questions: {}\n", by=admin)
    db.session.commit()
    sign_in(client, admin.email, factories.PASSWORD)
    for extra, message in [
        ({"saved_mapping": "999999"}, "Choose a saved mapping from the list"),
        (
            {"saved_mapping": str(saved.id), "mapping": (io.BytesIO(b"questions: {}\n"), "m.yaml")},
            "Choose a saved mapping or upload a mapping file, not both",
        ),
    ]:
        form = {
            "csrf_token": csrf_token(client, "/admin/imports/new"),
            "round_title": TITLE,
            "year": "2017",
            "mode": "records",
            "responses": (io.BytesIO(history.condensed_csv(responses)), "export.csv"),
            **extra,
        }
        response = client.post("/admin/imports/new", data=form, content_type="multipart/form-data")
        assert response.status_code == 200 and message in response.text
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_an_imported_batch_sends_the_mapping_page_back_with_a_message(client, admin, responses):
    sign_in(client, admin.email, factories.PASSWORD)
    location = upload(client, history.condensed_csv(responses[:20]))
    token = csrf_token(client, location)
    client.post(f"{location}/confirm", data={"csrf_token": token})
    assert "imported" in batches.run_pending()
    response = client.get(f"{location}/mapping", follow_redirects=True)
    assert "its mapping can no longer be changed" in response.text


def test_the_command_line_takes_a_saved_mapping_by_name(runner, admin, responses, tmp_path, client):
    sign_in(client, admin.email, factories.PASSWORD)
    location = upload(client, history.condensed_csv(responses))
    batch = db.session.scalar(select(ImportBatch))
    page = client.get(f"{location}/mapping").text
    assert page
    from app.services.imports import saved as saved_mappings

    saved_mappings.save("Survey 2017", batch.mapping_text, by=admin)
    db.session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(history.condensed_csv(responses))
    args = ["import", "responses", str(path), "--year", "2017", "--round-title", TITLE, "--json", "--dry-run"]
    result = runner.invoke(args=[*args, "--mapping", "survey 2017"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows_read"] == len(responses)
    result = runner.invoke(args=[*args, "--mapping", "no such mapping"])
    assert result.exit_code != 0 and "neither a mapping file nor the name of a saved mapping" in result.output
