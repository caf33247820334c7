"""A round's reminders: the schedule, what was sent, who is outstanding, previews and "send now"."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.extensions import db, talisman
from app.forms.submit import ConfirmForm
from app.models import Organisation, Round, Submission, SubmissionStatus, User
from app.models.base import utcnow
from app.permissions import can_manage_rounds, requires
from app.services.email import reminder_content, reminders

PREVIEW_KINDS = {
    "projects": "Projects still in progress",
    "nothing": "No return made yet",
    "passed": "Deadline passed",
}


def _round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


@bp.route("/rounds/<int:round_id>/reminders")
@requires(can_manage_rounds, hide=False)
def round_reminders(round_id: int):
    round_ = _round(round_id)
    organisations = db.session.scalars(
        select(Organisation).filter_by(active=True).order_by(Organisation.name)
    ).all()
    work = reminder_content.outstanding(round_, {o.id for o in organisations})
    outstanding = [(o, work[o.id]) for o in organisations if work[o.id]]
    return render_template(
        "admin/round_reminders.html",
        round=round_,
        schedule=reminders.schedule(round_),
        outstanding=outstanding,
        kinds=PREVIEW_KINDS,
        is_manual=reminders.is_manual,
    )


@bp.route("/rounds/<int:round_id>/reminders/send-now", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def send_reminders_now(round_id: int):
    round_ = _round(round_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        planned = reminders.send_now(round_, by=current_user._get_current_object())
        flash(
            f"Reminders are on their way: {planned} lead{'s' if planned != 1 else ''} will be checked "
            "and those with work to do emailed",
            "success",
        )
        return redirect(url_for("admin.round_reminders", round_id=round_.id))
    return render_template("admin/send_reminders_now.html", round=round_, form=form)


def _preview(round_: Round, kind: str) -> tuple[str, dict]:
    if kind not in PREVIEW_KINDS:
        abort(404)
    sample_org = Organisation(name="Example Fire and Rescue Service")
    sample_user = User(name="Alex Example", email="alex@example.org", organisation=sample_org)
    sample_user.id = 0
    work = reminder_content.Outstanding()
    if kind == "nothing":
        work.nothing_yet = True
    else:
        work.projects = [
            Submission(id=1, name="Joint community safety hub", status=SubmissionStatus.DRAFT),
            Submission(id=2, name="Shared fleet workshop", status=SubmissionStatus.CHANGES_REQUESTED),
        ]
    now = round_.deadline + timedelta(hours=10) if kind == "passed" else utcnow()
    context = reminder_content.email_context(round_, sample_user, work, round_.deadline, now)
    context.update(service_name=current_app.config["SERVICE_NAME"], base_url=current_app.config["BASE_URL"])
    return reminder_content.subject_for(round_, round_.deadline, now), context


@bp.route("/rounds/<int:round_id>/reminders/preview/<kind>")
@requires(can_manage_rounds, hide=False)
def preview_reminder(round_id: int, kind: str):
    round_ = _round(round_id)
    subject, context = _preview(round_, kind)
    return render_template(
        "admin/preview_reminder.html",
        round=round_,
        kind=kind,
        title=PREVIEW_KINDS[kind],
        subject=subject,
        body_text=render_template("emails/reminder.txt", subject=subject, **context),
    )


@bp.route("/rounds/<int:round_id>/reminders/preview/<kind>/html")
@talisman(
    frame_options="SAMEORIGIN",
    content_security_policy={
        "default-src": "'none'",
        "style-src": "'unsafe-inline'",
        "frame-ancestors": "'self'",
    },
)
@requires(can_manage_rounds, hide=False)
def preview_reminder_html(round_id: int, kind: str):
    subject, context = _preview(_round(round_id), kind)
    return render_template("emails/reminder.html", subject=subject, **context)
