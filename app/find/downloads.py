"""Downloads of exactly the filtered view (CSV, XLSX, JSON) and the JSON API (the overview: overview.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, abort, stream_with_context
from sqlalchemy import select

from app.extensions import db
from app.find import bp
from app.find.views import _viewer, current_query
from app.models import Organisation
from app.permissions import database_reader
from app.questionnaires.loader import default_questionnaire
from app.services.find import download_streams as streams
from app.services.find import downloads_xlsx as exports_xlsx
from app.services.find import search as find


def _organisation_names() -> dict[str, str]:
    """Every organisation's name by id (as answers hold them): one query, however many records are sent."""
    return {
        str(org_id): name for org_id, name in db.session.execute(select(Organisation.id, Organisation.name))
    }


def _matching_records():
    """The records of the filtered view, read in batches as they are sent."""
    query, _ = current_query()
    return find.export_records(query, sharing=_viewer().readable)


@bp.route("/download.<fmt>")
@database_reader
def download(fmt: str):
    questionnaire = default_questionnaire()
    contacts = _viewer().contacts
    body: Iterator[Any]  # text or bytes, as the format is
    if fmt in ("csv", "json", "xlsx"):
        records, names = _matching_records(), _organisation_names()
    if fmt == "csv":
        body = streams.csv_stream(records, questionnaire, names, contacts=contacts)
        # Flask adds "; charset=utf-8" to every text/ type: naming it here sent it twice.
        mimetype, name = "text/csv", "collaboration-projects.csv"
    elif fmt == "json":
        body = streams.json_stream(records, questionnaire, names, contacts=contacts)
        mimetype, name = "application/json", "collaboration-projects.json"
    elif fmt == "xlsx":
        body = exports_xlsx.xlsx_chunks(records, questionnaire, names, contacts=contacts)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = "collaboration-projects.xlsx"
    elif fmt == "dictionary.csv":
        body = iter([streams.data_dictionary_csv(questionnaire, contacts=contacts)])
        mimetype, name = "text/csv", "collaboration-projects-data-dictionary.csv"
    else:
        abort(404)
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
