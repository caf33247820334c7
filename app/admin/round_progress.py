"""A round's progress: every active organisation and where it is, on a page and as CSV."""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context

from app.admin import bp
from app.extensions import db
from app.models import Round, Sector
from app.permissions import can_manage_rounds, requires
from app.services.rounds import progress as progress_service
from app.services.rounds.progress import OrganisationState


def _report(round_id: int) -> progress_service.Progress:
    round_ = db.session.get(Round, round_id) or abort(404)
    state = request.args.get("state", "")
    sector = request.args.get("sector", "")
    return progress_service.progress(
        round_,
        state=OrganisationState(state) if state in {s.value for s in OrganisationState} else None,
        sector=Sector(sector) if sector in {s.value for s in Sector} else None,
    )


@bp.route("/rounds/<int:round_id>/progress")
@requires(can_manage_rounds, hide=False)
def round_progress(round_id: int):
    report = _report(round_id)
    return render_template(
        "admin/round_progress.html",
        report=report,
        round=report.round,
        states=list(OrganisationState),
        sectors=list(Sector),
    )


@bp.route("/rounds/<int:round_id>/progress.csv")
@requires(can_manage_rounds, hide=False)
def round_progress_csv(round_id: int):
    report = _report(round_id)
    name = f"round-{report.round.id}-progress"
    if report.state:
        name += f"-{report.state.value.replace('_', '-')}"
    if report.sector:
        name += f"-{report.sector.value.replace('_', '-')}"
    response = Response(stream_with_context(progress_service.csv_lines(report)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
