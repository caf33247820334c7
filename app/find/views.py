"""Find collaboration projects: search with filters, a record, figures and the overview report."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, render_template, request
from flask_login import current_user

from app.find import bp
from app.permissions import database_reader, is_signed_in
from app.questionnaires.loader import default_questionnaire
from app.services.find import facets, visibility
from app.services.find import search as find
from app.services.imports import provenance
from app.services.submissions import answers
from app.services.submissions import lifecycle as submissions


def _signed_in() -> bool:
    return is_signed_in(current_user)


def _viewer() -> visibility.Viewer:
    return visibility.viewer(signed_in=_signed_in())


def current_query() -> tuple[find.FindQuery, dict[str, dict[str, str]]]:
    labels, known = facets.current_labels()
    return find.parse(request.args, known), labels


def describe(query: find.FindQuery, labels: dict[str, dict[str, str]]) -> str:
    parts = [f'containing "{query.text}"'] if query.text else []
    for name, values in query.filters.items():
        parts.append(f"{facets.FACET_TITLES[name]}: " + ", ".join(labels[name].get(v, v) for v in values))
    return "; ".join(parts) or "All projects"


@bp.route("")
@database_reader
def search():
    query, labels = current_query()
    result = find.find(query, signed_in=_signed_in())
    return render_template(
        "find/search.html",
        query=query,
        result=result,
        labels=labels,
        titles=facets.FACET_TITLES,
        description=describe(query, labels),
    )


@bp.route("/records/<int:record_id>")
@database_reader
def record(record_id: int):
    item = find.visible_record(record_id, signed_in=_signed_in()) or abort(404)
    # Read with the questions the project was answered on: later versions may ask them differently.
    questionnaire = submissions.questionnaire_of(item.submission)
    viewer = _viewer()
    sections = answers.answer_sections(questionnaire, viewer.shown_answers(questionnaire, item.answers))
    if not viewer.contacts:
        # Contact details are for people in the sector, who are signed in: their questions are left out.
        sections = [s for s in sections if s.section.id != "sharing_and_contact"]
        sections = [
            replace(s, rows=[r for r in s.rows if viewer.shows_question(r.question, questionnaire)])
            for s in sections
        ]
        sections = [s for s in sections if s.rows]
    return render_template(
        "find/record.html",
        record=item,
        imported_from=provenance.describe(item.submission_id, item.answers),
        as_given=provenance.as_given(item.answers, questionnaire, with_contact=viewer.contacts),
        incomplete=provenance.missing(item.answers, questionnaire),
        sections=sections,
        partners=answers.organisation_names(item.answers, questionnaire),
        related=find.related(item, signed_in=_signed_in()),
        signed_in=_signed_in(),
        contacts=viewer.contacts,
    )


@bp.route("/figures")
@database_reader
def figures():
    query, labels = current_query()
    return render_template(
        "find/figures.html",
        query=query,
        figures=find.figures(query, signed_in=_signed_in(), questionnaire=default_questionnaire()),
        description=describe(query, labels),
    )
