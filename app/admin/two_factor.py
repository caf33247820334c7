"""Administrators reset someone's two-factor authentication, for example when they have lost their phone."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.forms.submit import ConfirmForm
from app.models import User
from app.permissions import can_manage_users, requires
from app.services.errors import DomainError
from app.services.people import two_factor


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["GET", "POST"])
@requires(can_manage_users, hide=False)
def reset_two_factor(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    admin = current_user._get_current_object()
    form = ConfirmForm()
    try:
        two_factor.check_reset_allowed(person, by=admin)
        if form.validate_on_submit():
            two_factor.reset(person, by=admin, ip_address=request.remote_addr)
            flash(f"Two-factor authentication reset for {person.name}. They have been signed out.", "success")
            return redirect(url_for("admin.users"))
    except DomainError as problem:
        flash(str(problem), "error")
        return redirect(url_for("admin.users"))
    return render_template(
        "admin/reset_two_factor.html", form=form, person=person, required=two_factor.required_for(person)
    )
