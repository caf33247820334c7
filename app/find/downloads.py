"""Downloads of exactly the filtered view (CSV, XLSX, JSON), the overview report, and the JSON API."""

from __future__ import annotations

from flask import Response, abort, render_template, stream_with_context, url_for
from flask_login import current_user

from app.find import bp
from app.find.views import _signed_in, current_query, describe
from app.permissions import database_reader
from app.questionnaires.loader import default_questionnaire
from app.services import answers, find


def _organisation_names(records) -> dict[str, str]:
    questionnaire = default_questionnaire()
    names: dict[str, str] = {}
    for record in records:
        names.update(answers.organisation_names(record.answers, questionnaire))
    return names


def _records():
    query, _ = current_query()
    records, _ = find.matching(query, sharing=find.visible_sharing(_signed_in()))
    return records


@bp.route("/download.<fmt>")
@database_reader
def download(fmt: str):
    from app.services import exports, exports_xlsx

    questionnaire = default_questionnaire()
    records = _records()
    names = _organisation_names(records)
    if fmt == "csv":
        body = exports.csv_stream(records, questionnaire, names)
        mimetype, name = "text/csv; charset=utf-8", "collaboration-projects.csv"
    elif fmt == "json":
        body = exports.json_stream(records, questionnaire, names)
        mimetype, name = "application/json", "collaboration-projects.json"
    elif fmt == "xlsx":
        body = [exports_xlsx.xlsx_bytes(records, questionnaire, names)]
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = "collaboration-projects.xlsx"
    elif fmt == "dictionary.csv":
        body = [exports.data_dictionary_csv(questionnaire)]
        mimetype, name = "text/csv; charset=utf-8", "collaboration-projects-data-dictionary.csv"
    else:
        abort(404)
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/overview")
@database_reader
def overview():
    from app.services import overview as overview_service

    query, labels = current_query()
    report = overview_service.build(
        _records(), default_questionnaire(), include_contacts=current_user.is_authenticated
    )
    return render_template(
        "find/overview.html",
        report=report,
        filters_description=describe(query, labels),
        pdf_link=url_for("find.overview_pdf", **query.args()),
    )


@bp.route("/overview.pdf")
@database_reader
def overview_pdf():
    from app.services import overview as overview_service

    query, labels = current_query()
    report = overview_service.build(
        _records(),
        default_questionnaire(),
        include_contacts=current_user.is_authenticated,
        filters_description=describe(query, labels),
    )
    response = Response(overview_service.pdf_bytes(report), mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="collaboration-overview.pdf"'
    return response
