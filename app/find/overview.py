"""The national overview of the filtered view: a web page, a PDF and a Word document, in two editions."""

from __future__ import annotations

from datetime import datetime

from flask import Response, render_template, request, url_for

from app.find import bp
from app.find.views import _signed_in, _viewer, current_query, describe
from app.permissions import database_reader
from app.questionnaires.loader import default_questionnaire
from app.services.find.overview import documents
from app.services.find.overview import report as overview_report
from app.services.find.overview.model import EDITIONS
from app.services.find.overview.report import LONDON


def _report():
    query, labels = current_query()
    signed_in = _signed_in()
    edition = overview_report.edition_for(request.args.get("edition"), signed_in=signed_in)
    # Contact details are for people in the sector: never in an edition meant for publishing.
    include_contacts = _viewer().contacts and edition.name == "sector"
    args = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in query.args().items()))
    key = ("report", edition.name, signed_in, include_contacts, args, datetime.now(LONDON).date())

    def make():
        return overview_report.of_query(
            query,
            default_questionnaire(),
            edition=edition,
            signed_in=signed_in,
            include_contacts=include_contacts,
            filters_description=describe(query, labels),
        )

    return documents.kept(key, make), key, query


@bp.route("/overview")
@database_reader
def overview():
    report, key, query = _report()
    args = {**query.args(), "edition": report.edition.name}
    editions = (
        [
            (name, edition.title, url_for("find.overview", **{**args, "edition": name}))
            for name, edition in EDITIONS.items()
        ]
        if _signed_in()
        else []
    )
    return render_template(
        "find/overview/page.html",
        link=True,
        editions=editions,
        downloads=[
            ("PDF (accessible, for printing and sending)", url_for("find.overview_pdf", **args)),
            ("Word document (to add a foreword before publishing)", url_for("find.overview_docx", **args)),
        ],
        back_link=url_for("find.search", **query.args()),
        report=report,
        body=documents.kept(("page", *key), lambda: documents.page_body(report)),
    )


@bp.route("/overview.pdf")
@database_reader
def overview_pdf():
    report, key, _ = _report()
    body = documents.kept(("pdf", *key), lambda: documents.pdf_bytes(report))
    return _download(body, "application/pdf", f"collaboration-overview-{report.edition.name}.pdf")


@bp.route("/overview.docx")
@database_reader
def overview_docx():
    report, key, _ = _report()
    body = documents.kept(("docx", *key), lambda: documents.docx_bytes(report))
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return _download(body, mimetype, f"collaboration-overview-{report.edition.name}.docx")


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
