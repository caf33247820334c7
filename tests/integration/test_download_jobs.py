"""A download of more records than its threshold is asked for on a page, made by the worker with its
progress shown, and fetched from a link by the person who asked only: the same rows as the streamed download
of the same search for the same viewer. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, DownloadJob, Sector
from app.services import retention
from app.services.find import download_jobs
from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.records import a_round, published

SEARCH = "q=station&sort=name"
JOB_URL = re.compile(r"/find/downloads/(\d+)$")


@pytest.fixture
def library(app, tmp_path):
    app.config.update(
        FIND_DOWNLOAD_WORKER_ABOVE={"csv": 1, "xlsx": 1, "json": 1}, DOWNLOAD_FOLDER=str(tmp_path / "files")
    )
    round_ = a_round()
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    fire = factories.organisation("Kent Fire and Rescue Service", sector=Sector.FIRE_AND_RESCUE)
    for number, sharing in enumerate(("public", "public", "sector", "figures_only")):
        published(
            round_,
            police,
            name=f"Station project {number} ({sharing})",
            partners=[fire],
            summary=f"Police and fire share a station, number {number}.",
            sharing=sharing,
            contact_name=f"Connie Contact{number}",
            contact_email=f"connie{number}@contacts.example.org",
        )
    published(round_, fire, name="Unrelated drones", summary="Drones for searches.", contact_name="Dee")
    return {
        "reader": factories.user(email="reader@example.org", organisation_=police),
        "other": factories.user(email="other@example.org", organisation_=fire),
    }


def ask(client, fmt: str, search: str = SEARCH) -> int:
    """Follow the download link to the page that asks for the file, and ask: the job's id."""
    page = client.get(f"/find/download.{fmt}?{search}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "This is a large download" in page.text and "Make the file" in page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    fields["csrf_token"] = csrf_token(client, f"/find/download.{fmt}?{search}")
    answer = client.post("/find/downloads", data=fields)
    assert answer.status_code == 302
    return int(JOB_URL.search(answer.headers["Location"]).group(1))


def streamed(app, client, fmt: str, search: str = SEARCH) -> bytes:
    saved = app.config["FIND_DOWNLOAD_WORKER_ABOVE"]
    app.config["FIND_DOWNLOAD_WORKER_ABOVE"] = {}
    try:
        response = client.get(f"/find/download.{fmt}?{search}")
    finally:
        app.config["FIND_DOWNLOAD_WORKER_ABOVE"] = saved
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    return response.data


def cells(data: bytes) -> list[list[list[object]]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return [[list(line) for line in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_large_download_is_made_by_the_worker_and_equals_the_streamed_one(app, client, library, fmt):
    sign_in(client, library["reader"].email, factories.PASSWORD)
    job_id = ask(client, fmt)

    waiting = client.get(f"/find/downloads/{job_id}")
    assert waiting.status_code == 200
    assert "Making your download" in waiting.text
    assert "Waiting to start: 3 projects to write" in waiting.text
    assert "Check progress" in waiting.text and "download-progress.js" in waiting.text

    assert "3 records" in download_jobs.run_pending()
    assert download_jobs.run_pending() is None  # nothing else waiting

    ready = client.get(f"/find/downloads/{job_id}")
    assert "Your download is ready" in ready.text and "download-progress.js" not in ready.text
    assert "3 projects as" in ready.text
    assert f'href="/find/downloads/{job_id}/file"' in ready.text
    made = client.get(f"/find/downloads/{job_id}/file")
    assert made.status_code == 200
    assert made.headers["Content-Disposition"] == f"attachment; filename=collaboration-projects.{fmt}"

    expected = streamed(app, client, fmt)
    if fmt == "xlsx":  # the workbook's zip and properties carry the time it was made
        assert cells(made.data) == cells(expected)
        assert len(cells(made.data)[0]) == 4  # the heading and the three projects
    else:
        assert made.data == expected
        assert b"Station project 2 (sector)" in made.data and b"connie0@contacts.example.org" in made.data
        assert b"figures_only" not in made.data and b"Unrelated drones" not in made.data

    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == job_id))
    assert set(actions) >= {"find.download_requested", "find.download_made"}


@pytest.mark.parametrize("search", ["q=station", "q=station&sort=newest", "services=fire", "sort=name"])
def test_the_worker_keeps_the_order_the_search_asked_for(app, client, library, search):
    """The default order (most relevant first for words, newest without) is not written in a search's URL: the
    worker's file lists the projects as the streamed download of the same search does."""
    sign_in(client, library["reader"].email, factories.PASSWORD)
    job_id = ask(client, "csv", search)
    download_jobs.run_pending()
    made = client.get(f"/find/downloads/{job_id}/file")
    assert made.status_code == 200
    assert made.data == streamed(app, client, "csv", search)


def test_the_progress_page_says_how_far_the_worker_has_got(client, library):
    sign_in(client, library["reader"].email, factories.PASSWORD)
    job = db.session.get(DownloadJob, ask(client, "xlsx", "q=station"))
    job.status, job.rows_total, job.rows_done = "running", 3, 2
    db.session.commit()
    page = client.get(f"/find/downloads/{job.id}")
    assert "Written 2 of 3 projects as Excel." in page.text
    assert 'role="status"' in page.text


def test_no_one_else_can_see_or_fetch_the_file(app, client, library):
    sign_in(client, library["reader"].email, factories.PASSWORD)
    job_id = ask(client, "csv")
    download_jobs.run_pending()
    assert client.get(f"/find/downloads/{job_id}/file").status_code == 200

    other = app.test_client()
    sign_in(other, library["other"].email, factories.PASSWORD)
    assert other.get(f"/find/downloads/{job_id}").status_code == 404
    assert other.get(f"/find/downloads/{job_id}/file").status_code == 404
    assert other.get("/find/downloads/999999/file").status_code == 404

    app.config["PUBLIC_DATABASE"] = True
    anonymous = app.test_client()
    assert anonymous.get(f"/find/downloads/{job_id}").status_code == 404
    assert anonymous.get(f"/find/downloads/{job_id}/file").status_code == 404


def test_someone_not_signed_in_on_a_public_instance_gets_public_records_without_contacts(
    app, client, library
):
    app.config["PUBLIC_DATABASE"] = True
    job_id = ask(client, "csv")
    download_jobs.run_pending()
    made = client.get(f"/find/downloads/{job_id}/file")
    assert made.status_code == 200
    assert made.data == streamed(app, client, "csv")
    text = made.data.decode("utf-8")
    assert "Station project 0 (public)" in text and "Station project 1 (public)" in text
    assert "(sector)" not in text and "figures_only" not in text
    assert "Connie" not in text and "contacts.example.org" not in text and "Contact name" not in text
    assert db.session.get(DownloadJob, job_id).viewer_kind == "anonymous"

    # Another person not signed in (another browser) cannot fetch it; signing in does not give it either.
    assert app.test_client().get(f"/find/downloads/{job_id}/file").status_code == 404
    sign_in(client, library["reader"].email, factories.PASSWORD)
    assert client.get(f"/find/downloads/{job_id}/file").status_code == 404


def test_a_download_at_or_under_the_threshold_streams_as_before(app, client, library):
    app.config["FIND_DOWNLOAD_WORKER_ABOVE"] = {"csv": 3}
    sign_in(client, library["reader"].email, factories.PASSWORD)
    response = client.get(f"/find/download.csv?{SEARCH}")
    assert response.mimetype == "text/csv"
    assert len(list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))) == 4  # heading, 3 projects
    assert db.session.scalar(select(DownloadJob.id)) is None


def test_asking_for_an_unknown_format_or_without_the_form_token_changes_nothing(client, library):
    sign_in(client, library["reader"].email, factories.PASSWORD)
    token = csrf_token(client, f"/find/download.csv?{SEARCH}")
    assert client.post("/find/downloads", data={"csrf_token": token, "format": "pdf"}).status_code == 404
    assert client.post("/find/downloads", data={"format": "csv"}).status_code == 400
    assert db.session.scalar(select(DownloadJob.id)) is None


def test_a_failed_or_expired_file_says_so_and_retention_removes_it_after_a_day(app, client, library):
    sign_in(client, library["reader"].email, factories.PASSWORD)
    job_id = ask(client, "csv")
    download_jobs.run_pending()
    job = db.session.get(DownloadJob, job_id)
    path = download_jobs.file_path(job)
    assert path.is_file()

    result = retention.run(now=job.created_at + timedelta(hours=23))
    assert result.downloads == [] and path.is_file()
    result = retention.run(now=job.created_at + timedelta(hours=25))
    assert result.downloads == [job_id] and not path.exists()
    db.session.commit()
    assert client.get(f"/find/downloads/{job_id}").status_code == 404
    assert "1 old download removed" in str(result)


@pytest.mark.commits  # the worker saves its progress on a connection of its own
def test_the_worker_saves_its_progress_as_it_writes(app, client, library, monkeypatch):
    monkeypatch.setattr(download_jobs, "PROGRESS_EVERY", 1)
    sign_in(client, library["reader"].email, factories.PASSWORD)
    job_id = ask(client, "xlsx")
    assert "3 records" in download_jobs.run_pending()
    db.session.expire_all()
    job = db.session.get(DownloadJob, job_id)
    assert (job.status, job.rows_done, job.rows_total) == ("ready", 3, 3)
    assert client.get(f"/find/downloads/{job_id}/file").status_code == 200


def test_asking_twice_for_the_same_file_gives_the_same_job(app, client, library):
    sign_in(client, library["reader"].email, factories.PASSWORD)
    first = ask(client, "csv")
    assert ask(client, "csv") == first
    assert ask(client, "csv", "q=station") != first  # another order: another file
    download_jobs.run_pending()
    assert ask(client, "csv") == first  # ready: the same file

    app.config["PUBLIC_DATABASE"] = True
    anonymous = app.test_client()
    theirs = ask(anonymous, "csv")
    assert theirs != first and ask(anonymous, "csv") == theirs
    assert ask(app.test_client(), "csv") != theirs  # someone else not signed in


def test_a_file_that_cannot_be_written_says_so_and_can_be_asked_for_again(app, client, library, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    app.config["DOWNLOAD_FOLDER"] = str(blocked)
    sign_in(client, library["reader"].email, factories.PASSWORD)
    job_id = ask(client, "csv")
    assert download_jobs.run_pending() == f"download {job_id} failed"
    page = client.get(f"/find/downloads/{job_id}")
    assert "Your download could not be made" in page.text
    assert "The file could not be made because of an unexpected error." in page.text
    assert client.get(f"/find/downloads/{job_id}/file").status_code == 404
    assert ask(client, "csv") != job_id  # asking again makes a new one


def test_asking_for_many_files_from_one_address_is_paused(app, client, library):
    """On a public instance anyone may ask for files the worker makes: one address may ask only so often, and
    is told why, with nothing more queued."""
    app.config["DOWNLOAD_JOBS_LIMIT"] = "3 per hour"
    sign_in(client, "reader@example.org", factories.PASSWORD)
    for search in ("q=station&sort=name", "q=station&sort=newest", "q=share&sort=name"):
        ask(client, "csv", search)
    before = db.session.scalar(select(func.count()).select_from(DownloadJob))
    token = csrf_token(client, f"/find/download.csv?{SEARCH}")
    refused = client.post("/find/downloads", data={"format": "csv", "q": "drones", "csrf_token": token})
    assert refused.status_code == 429
    assert "You have asked for many large downloads in a short time" in refused.text
    assert db.session.scalar(select(func.count()).select_from(DownloadJob)) == before
