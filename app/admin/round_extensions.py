"""Deadline extensions: a later deadline for chosen organisations in one round, and taking one away."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.formatting import govuk_datetime
from app.forms.dates import london_to_utc
from app.forms.round_admin import ExtensionForm
from app.forms.submit import ConfirmForm
from app.models import DeadlineExtension, Round
from app.models.base import utcnow
from app.permissions import can_manage_rounds, requires
from app.services.errors import DomainError
from app.services.organisations import directory
from app.services.rounds import deadlines as round_service


def _round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


@bp.route("/rounds/<int:round_id>/extensions", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def round_extensions(round_id: int):
    round_ = _round(round_id)
    form = ExtensionForm()
    form.organisations.options = directory.organisation_options()
    if form.validate_on_submit():
        day, time = form.deadline_date.data, form.deadline_time.time
        assert day and time, "a valid form has both"
        deadline = london_to_utc(day, time)
        try:
            extended = round_service.extend_deadlines(
                round_,
                form.organisations.data,
                deadline,
                by=current_user._get_current_object(),
                reason=form.reason.data,
            )
        except DomainError as problem:
            target = form.organisations if "organisation" in str(problem) else form.deadline_date
            target.errors = [str(problem)]
        else:
            count = len(extended)
            flash(
                f"The deadline for {count} organisation{'s' if count != 1 else ''} is now "
                f"{govuk_datetime(deadline)}",
                "success",
            )
            return redirect(url_for("admin.round_extensions", round_id=round_.id))
    extensions = sorted(round_.extensions, key=lambda e: e.organisation.name)
    return render_template("admin/round_extensions.html", round=round_, form=form, extensions=extensions)


@bp.route("/rounds/<int:round_id>/extensions/<int:extension_id>/remove", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def remove_extension(round_id: int, extension_id: int):
    round_ = _round(round_id)
    extension = db.session.get(DeadlineExtension, extension_id)
    if extension is None or extension.round_id != round_.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = extension.organisation.name
        round_service.remove_extension(round_, extension, by=current_user._get_current_object())
        flash(f"{name} is back to the round's deadline, {govuk_datetime(round_.deadline)}", "success")
        return redirect(url_for("admin.round_extensions", round_id=round_.id))
    return render_template(
        "admin/remove_extension.html", round=round_, extension=extension, form=form, now=utcnow()
    )
