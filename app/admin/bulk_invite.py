"""Inviting many people at once from a CSV file: upload, check, then send every invitation or none."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.admin import bp
from app.extensions import db
from app.forms.uploads import CSV_MAX_LABEL, CsvConfirmForm, CsvUploadForm
from app.permissions import can_manage_users, requires
from app.services.errors import DomainError
from app.services.people import bulk_invitations


def _check_page(content: bytes, *, changed_since: bool = False):
    check = bulk_invitations.check_invitations_csv(content)
    form = CsvUploadForm()
    confirm = CsvConfirmForm()
    if check.problems:
        noun = "problem" if len(check.problems) == 1 else "problems"
        form.file.errors = [
            f"The selected file has {len(check.problems)} {noun}: fix them and upload it again"
        ]
    else:
        confirm.content.data = CsvConfirmForm.encode(content)
        confirm.fingerprint.data = check.fingerprint()
    return render_template(
        "admin/bulk_invite_check.html",
        check=check,
        form=form,
        confirm=confirm,
        changed_since=changed_since,
        limit=CSV_MAX_LABEL,
        max_people=bulk_invitations.MAX_PEOPLE,
    )


@bp.route("/users/invite/csv", methods=["GET", "POST"])
@requires(can_manage_users, hide=False)
def bulk_invite_users():
    form = CsvUploadForm()
    if form.validate_on_submit():
        return _check_page(form.content)
    return render_template(
        "admin/bulk_invite.html", form=form, limit=CSV_MAX_LABEL, max_people=bulk_invitations.MAX_PEOPLE
    )


@bp.route("/users/invite/csv/confirm", methods=["POST"])
@requires(can_manage_users, hide=False)
def confirm_bulk_invite_users():
    confirm = CsvConfirmForm()
    content = confirm.file_bytes() if confirm.validate_on_submit() else None
    if content is None:
        flash("The file could not be read again: upload it again", "error")
        return redirect(url_for("admin.bulk_invite_users"))
    check = bulk_invitations.check_invitations_csv(content)
    if not check.ok or check.fingerprint() != confirm.fingerprint.data:
        # Someone was invited, or an organisation changed, after the file was checked: check it again.
        return _check_page(content, changed_since=True)
    try:
        invited = bulk_invitations.send_invitations(
            check.rows, by=current_user._get_current_object(), ip_address=request.remote_addr
        )
    except (DomainError, IntegrityError):
        # Another administrator invited one of these people a moment ago: nothing is kept.
        db.session.rollback()
        return _check_page(content, changed_since=True)
    count = len(invited)
    flash(f"{count} invitation{'s' if count != 1 else ''} sent", "success")
    return redirect(url_for("admin.users"))
