"""Organisation pages and who works with whom: the same records and visibility as Find."""

from __future__ import annotations

from flask import abort, render_template, url_for

from app.find import bp
from app.find.views import _signed_in, current_query, describe
from app.models import Sector
from app.permissions import database_reader
from app.questionnaires.loader import default_questionnaire
from app.services import facets
from app.services.directory import organisation as get_organisation
from app.services.overview import collaboration


@bp.route("/organisations/<int:organisation_id>")
@database_reader
def organisation(organisation_id: int):
    org = get_organisation(organisation_id) or abort(404)
    labels = facets.labels(default_questionnaire())
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
    )


@bp.route("/who-works-with-whom/organisations/<int:first>/<int:second>")
@database_reader
def organisation_pair(first: int, second: int):
    a, b = get_organisation(first) or abort(404), get_organisation(second) or abort(404)
    found = collaboration.projects_of_pair(first, second, signed_in=_signed_in())
    return render_template(
        "find/collaboration_projects.html",
        title=f"Projects of {a.name} and {b.name}",
        projects=found,
    )


@bp.route("/who-works-with-whom/sectors/<first>/<second>")
@database_reader
def sector_pair(first: str, second: str):
    known = {sector.value for sector in Sector}
    if first not in known or second not in known:
        abort(404)
    found = collaboration.projects_of_sectors(first, second, signed_in=_signed_in())
    a, b = collaboration.sector_label(first), collaboration.sector_label(second)
    title = (
        f"Projects of two or more {a.lower()} organisations"
        if first == second
        else f"Projects of {a.lower()} and {b.lower()} organisations"
    )
    return render_template("find/collaboration_projects.html", title=title, projects=found)
