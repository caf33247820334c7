"""Downloads of exactly the filtered view (CSV, XLSX, JSON), the overview report, and the JSON API."""

from __future__ import annotations

from flask import Response, abort, render_template, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.find import bp
from app.find.views import _signed_in, current_query, describe
from app.models import Organisation
from app.permissions import database_reader
from app.questionnaires.loader import default_questionnaire
from app.services.find import downloads as exports
from app.services.find import downloads_xlsx as exports_xlsx
from app.services.find import overview as overview_service
from app.services.find import search as find


def _organisation_names() -> dict[str, str]:
    """Every organisation's name by id (as answers hold them): one query, however many records are sent."""
    return {
        str(org_id): name for org_id, name in db.session.execute(select(Organisation.id, Organisation.name))
    }


def _matching_records():
    """The records of the filtered view, read in batches as they are sent."""
    query, _ = current_query()
    return find.matching_records(query, sharing=find.visible_sharing(_signed_in()))


def _report(**options):
    query, _ = current_query()
    return overview_service.of_query(
        query,
        default_questionnaire(),
        signed_in=_signed_in(),
        include_contacts=current_user.is_authenticated,
        **options,
    )


@bp.route("/download.<fmt>")
@database_reader
def download(fmt: str):
    questionnaire = default_questionnaire()
    if fmt in ("csv", "json", "xlsx"):
        records, names = _matching_records(), _organisation_names()
    if fmt == "csv":
        body = exports.csv_stream(records, questionnaire, names)
        # Flask adds "; charset=utf-8" to every text/ type: naming it here sent it twice.
        mimetype, name = "text/csv", "collaboration-projects.csv"
    elif fmt == "json":
        body = exports.json_stream(records, questionnaire, names)
        mimetype, name = "application/json", "collaboration-projects.json"
    elif fmt == "xlsx":
        body = exports_xlsx.xlsx_chunks(records, questionnaire, names)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = "collaboration-projects.xlsx"
    elif fmt == "dictionary.csv":
        body = [exports.data_dictionary_csv(questionnaire)]
        mimetype, name = "text/csv", "collaboration-projects-data-dictionary.csv"
    else:
        abort(404)
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/overview")
@database_reader
def overview():
    query, labels = current_query()
    return render_template(
        "find/overview.html",
        report=_report(),
        filters_description=describe(query, labels),
        pdf_link=url_for("find.overview_pdf", **query.args()),
    )


@bp.route("/overview.pdf")
@database_reader
def overview_pdf():
    query, labels = current_query()
    report = _report(filters_description=describe(query, labels))
    response = Response(overview_service.pdf_bytes(report), mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="collaboration-overview.pdf"'
    return response
