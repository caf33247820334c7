"""Organisation pages and who works with whom (the same records and visibility as Find), and changing a
project's notable practice choice."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.find import bp
from app.find.views import _signed_in, current_query, describe
from app.models import Sector
from app.permissions import database_reader, is_administrator, requires
from app.questionnaires.loader import default_questionnaire
from app.services.errors import DomainError
from app.services.find import facets
from app.services.find import search as find
from app.services.find.overview import collaboration, notable
from app.services.organisations.directory import organisation as get_organisation


@bp.route("/organisations/<int:organisation_id>")
@database_reader
def organisation(organisation_id: int):
    org = get_organisation(organisation_id) or abort(404)
    labels, _ = facets.current_labels()
    return render_template(
        "find/organisation.html",
        profile=collaboration.profile(org, signed_in=_signed_in(), theme_labels=labels.get("themes", {})),
    )


@bp.route("/who-works-with-whom")
@database_reader
def collaborations():
    query, labels = current_query()
    return render_template(
        "find/collaboration.html",
        result=collaboration.collaboration(query, signed_in=_signed_in()),
        description=describe(query, labels),
        back_link=url_for("find.search", **query.args()),
        sector_label=collaboration.sector_label,
        filter_args=query.args(sort=None),
    )


def _filters() -> dict[str, Any]:
    """Find's query, the filters that apply and the way back, for a list behind one of the counts."""
    query, labels = current_query()
    args = query.args(sort=None)
    return {
        "query": query,
        "filter_args": args,
        "description": describe(query, labels) if args else "",
        "unfiltered": url_for(request.endpoint or "", **(request.view_args or {})),
    }


@bp.route("/who-works-with-whom/organisations/<int:first>/<int:second>")
@database_reader
def organisation_pair(first: int, second: int):
    a, b = get_organisation(first) or abort(404), get_organisation(second) or abort(404)
    filters = _filters()
    found = collaboration.projects_of_pair(first, second, filters.pop("query"), signed_in=_signed_in())
    return render_template(
        "find/collaboration_projects.html",
        title=f"Projects of {a.name} and {b.name}",
        projects=found,
        **filters,
    )


@bp.route("/who-works-with-whom/sectors/<first>/<second>")
@database_reader
def sector_pair(first: str, second: str):
    known = {sector.value for sector in Sector}
    if first not in known or second not in known:
        abort(404)
    filters = _filters()
    found = collaboration.projects_of_sectors(first, second, filters.pop("query"), signed_in=_signed_in())
    a, b = collaboration.sector_label(first), collaboration.sector_label(second)
    title = (
        f"Projects of two or more {a.lower()} organisations"
        if first == second
        else f"Projects of {a.lower()} and {b.lower()} organisations"
    )
    return render_template("find/collaboration_projects.html", title=title, projects=found, **filters)


@bp.route("/records/<int:record_id>/notable-practice", methods=["GET", "POST"])
@requires(is_administrator)
def notable_practice(record_id: int):
    """Administrators change a reviewer's notable practice choice (or make or clear one)."""
    item = find.visible_record(record_id, signed_in=True) or abort(404)
    submission = item.submission
    form = FlaskForm()
    themes = request.form.getlist("notable_themes")[:50]
    reason = request.form.get("notable_reason", "")[:5000]
    problem = None
    if form.validate_on_submit():
        try:
            chosen = notable.choose(submission, themes, reason, by=current_user._get_current_object())
        except DomainError as error:
            problem = str(error)
        else:
            flash(
                "Notable practice saved" if chosen else "This project is no longer notable practice",
                "success",
            )
            return redirect(url_for("find.record", record_id=item.id))
    current = notable.of(submission)
    return render_template(
        "find/notable_practice.html",
        record=item,
        form=form,
        problem=problem,
        theme_items=notable.theme_items(
            submission, default_questionnaire(), chosen=themes if request.method == "POST" else None
        ),
        reason=reason if request.method == "POST" else (current.reason if current else ""),
    )
