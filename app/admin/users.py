"""Administrators invite people and see who has an account."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.forms.admin import InviteUserForm
from app.models import Role, User
from app.permissions import can_manage_users, requires
from app.services import accounts, directory
from app.services.errors import DomainError


@bp.route("/users")
@requires(can_manage_users, hide=False)
def users():
    return render_template("admin/users.html", users=directory.list_users())


@bp.route("/users/invite", methods=["GET", "POST"])
@requires(can_manage_users, hide=False)
def invite_user():
    organisations = directory.active_organisations()
    form = InviteUserForm(organisations=organisations)
    if form.validate_on_submit():
        role = Role(form.role.data)
        organisation = directory.organisation(int(form.organisation.data)) if form.organisation.data else None
        try:
            user = accounts.invite(
                by=current_user._get_current_object(),
                email=form.email.data,
                name=form.name.data,
                role=role,
                organisation=organisation if role != Role.ADMINISTRATOR else None,
                ip_address=request.remote_addr,
            )
        except DomainError as problem:
            form.email.errors = [str(problem)]
        else:
            flash(f"Invitation sent to {user.email}", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/invite_user.html", form=form)


@bp.route("/users/<int:user_id>/resend-invitation", methods=["POST"])
@requires(can_manage_users, hide=False)
def resend_invitation(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    try:
        accounts.resend_invitation(
            user, by=current_user._get_current_object(), ip_address=request.remote_addr
        )
    except DomainError as problem:
        flash(str(problem), "error")
    else:
        flash(f"Invitation sent again to {user.email}", "success")
    return redirect(url_for("admin.users"))
