"""Administrators create and change rounds, and open or close one straight away."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.formatting import london
from app.forms.dates import london_to_utc
from app.forms.rounds import RoundForm, parse_offsets
from app.forms.submit import ConfirmForm
from app.models import Round, RoundState
from app.models.base import utcnow
from app.permissions import can_manage_rounds, requires
from app.services.errors import DomainError
from app.services.rounds import deadlines as round_service
from app.services.rounds import questionnaire_versions


@bp.route("/rounds")
@requires(can_manage_rounds, hide=False)
def rounds():
    return render_template("admin/rounds.html", rounds=round_service.all_rounds())


def _times(form: RoundForm) -> tuple[datetime, datetime]:
    opens, opens_time = form.opens_date.data, form.opens_time.time
    deadline, deadline_time = form.deadline_date.data, form.deadline_time.time
    assert opens and opens_time and deadline and deadline_time, "called once the form is valid"
    return london_to_utc(opens, opens_time), london_to_utc(deadline, deadline_time)


@bp.route("/rounds/new", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def new_round():
    form = RoundForm()
    form.offer_versions(questionnaire_versions.choices())
    if form.validate_on_submit():
        opens_at, deadline = _times(form)
        try:
            round_ = round_service.create_round(
                title=form.title.data,
                opens_at=opens_at,
                deadline=deadline,
                version=_chosen_version(form),
                reminder_offsets=parse_offsets(form.reminder_offsets.data) or [],
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
    fixed_version = round_service.has_returns(round_)
    if fixed_version:
        form.offer_versions([])
    else:
        form.offer_versions(questionnaire_versions.choices())
    if request.method == "GET":
        opens, deadline = london(round_.opens_at), london(round_.deadline)
        form.title.data = round_.title
        form.opens_date.process_data(opens.date())
        form.opens_time.data = f"{opens:%H:%M}"
        form.deadline_date.process_data(deadline.date())
        form.deadline_time.data = f"{deadline:%H:%M}"
        form.reminder_offsets.data = ", ".join(str(o) for o in round_.reminder_offsets)
        form.deadline_passed_notice.data = round_.deadline_passed_notice
        if not fixed_version:
            form.questionnaire.data = str(round_.questionnaire_version_id)
    if form.validate_on_submit():
        opens_at, deadline = _times(form)
        try:
            round_service.update_round(
                round_,
                title=form.title.data,
                opens_at=opens_at,
                deadline=deadline,
                reminder_offsets=parse_offsets(form.reminder_offsets.data) or [],
                deadline_passed_notice=form.deadline_passed_notice.data,
                version=None if fixed_version else _chosen_version(form),
                by=current_user._get_current_object(),
            )
        except DomainError as problem:
            form.deadline_date.errors = [str(problem)]
        else:
            flash(f"{round_.title} has been saved", "success")
            return redirect(url_for("admin.rounds"))
    return render_template("admin/round_form.html", form=form, round=round_, fixed_version=fixed_version)


def _chosen_version(form: RoundForm):
    return questionnaire_versions.chosen(form.questionnaire.data) or abort(400)


@bp.route("/rounds/<int:round_id>/open", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def open_round(round_id: int):
    round_ = db.session.get(Round, round_id) or abort(404)
    return _open_or_close(round_, "open", RoundState.UPCOMING, round_service.open_now)


@bp.route("/rounds/<int:round_id>/close", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def close_round(round_id: int):
    round_ = db.session.get(Round, round_id) or abort(404)
    return _open_or_close(round_, "close", RoundState.OPEN, round_service.close_now)


PAST = {"open": "opened", "close": "closed"}


def _open_or_close(round_: Round, action: str, from_state: RoundState, change):
    """A confirmation page, then the change. A round no longer in the state it must be in (opened or closed
    meanwhile, or in another tab) says so and changes nothing."""
    form = ConfirmForm()
    now = utcnow()
    problem = None
    if round_.state(now) != from_state:
        problem = f"{round_.title} is {round_.state(now).value}, so it cannot be {PAST[action]} now"
    elif form.validate_on_submit():
        try:
            change(round_, by=current_user._get_current_object(), now=now)
        except DomainError as refused:
            problem = str(refused)
        else:
            flash(f"{round_.title} is now {'open' if action == 'open' else 'closed'}", "success")
            return redirect(url_for("admin.rounds"))
    still_open = sorted(
        (e for e in round_.extensions if e.deadline > now), key=lambda e: (e.deadline, e.organisation.name)
    )
    return render_template(
        f"admin/round_{action}.html", round=round_, form=form, problem=problem, now=now, still_open=still_open
    )
