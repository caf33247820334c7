"""Administrators create and change rounds."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.formatting import london
from app.forms.dates import london_to_utc
from app.forms.rounds import RoundForm, parse_offsets
from app.models import Round
from app.permissions import can_manage_rounds, requires
from app.services import rounds as round_service
from app.services.errors import DomainError


@bp.route("/rounds")
@requires(can_manage_rounds, hide=False)
def rounds():
    return render_template("admin/rounds.html", rounds=round_service.all_rounds())


def _times(form: RoundForm):
    return (
        london_to_utc(form.opens_date.data, form.opens_time.time),
        london_to_utc(form.deadline_date.data, form.deadline_time.time),
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def new_round():
    form = RoundForm()
    if form.validate_on_submit():
        opens_at, deadline = _times(form)
        try:
            round_ = round_service.create_round(
                title=form.title.data,
                opens_at=opens_at,
                deadline=deadline,
                version=round_service.default_version(),
                reminder_offsets=parse_offsets(form.reminder_offsets.data),
                deadline_passed_notice=form.deadline_passed_notice.data,
                by=current_user._get_current_object(),
            )
        except DomainError as problem:
            form.deadline_date.errors = [str(problem)]
        else:
            flash(f"{round_.title} has been created", "success")
            return redirect(url_for("admin.rounds"))
    return render_template("admin/round_form.html", form=form, round=None)


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def edit_round(round_id: int):
    round_ = db.session.get(Round, round_id) or abort(404)
    form = RoundForm()
    if request.method == "GET":
        opens, deadline = london(round_.opens_at), london(round_.deadline)
        form.title.data = round_.title
        form.opens_date.process_data(opens.date())
        form.opens_time.data = f"{opens:%H:%M}"
        form.deadline_date.process_data(deadline.date())
        form.deadline_time.data = f"{deadline:%H:%M}"
        form.reminder_offsets.data = ", ".join(str(o) for o in round_.reminder_offsets)
        form.deadline_passed_notice.data = round_.deadline_passed_notice
    if form.validate_on_submit():
        opens_at, deadline = _times(form)
        try:
            round_service.update_round(
                round_,
                title=form.title.data,
                opens_at=opens_at,
                deadline=deadline,
                reminder_offsets=parse_offsets(form.reminder_offsets.data),
                deadline_passed_notice=form.deadline_passed_notice.data,
                by=current_user._get_current_object(),
            )
        except DomainError as problem:
            form.deadline_date.errors = [str(problem)]
        else:
            flash(f"{round_.title} has been saved", "success")
            return redirect(url_for("admin.rounds"))
    return render_template("admin/round_form.html", form=form, round=round_)
