"""Administrators invite people, see who has an account, and change, deactivate or reactivate accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.forms.admin import ChangeUserForm, InviteUserForm
from app.forms.submit import ConfirmForm
from app.ids import parse_id
from app.models import Organisation, Role, User
from app.permissions import can_manage_users, requires
from app.services.errors import DomainError
from app.services.organisations import directory
from app.services.paging import page_number
from app.services.people import account_admin as people
from app.services.people import accounts


@bp.route("/users")
@requires(can_manage_users, hide=False)
def users():
    args = request.args
    roles = {role.value: role for role in Role}
    statuses = {status.value: status for status in people.UserStatus}
    organisation_id = parse_id(args.get("organisation"))
    organisation = directory.organisation(organisation_id) if organisation_id is not None else None
    filters = {
        "q": args.get("q", "").strip()[:200],
        "role": args.get("role") if args.get("role") in roles else "",
        "organisation": str(organisation.id) if organisation else "",
        "status": args.get("status") if args.get("status") in statuses else "",
    }
    listing = people.search_users(
        text=filters["q"] or "",
        role=roles.get(filters["role"] or ""),
        organisation_id=organisation.id if organisation else None,
        status=statuses.get(filters["status"] or ""),
        page=page_number(args.get("page")),
    )
    return render_template(
        "admin/users.html",
        listing=listing,
        filters=filters,
        query={key: value for key, value in filters.items() if value},
        organisations=directory.all_organisations(),
        statuses=list(people.UserStatus),
    )


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
        people.resend_invitation(user, by=current_user._get_current_object(), ip_address=request.remote_addr)
    except DomainError as problem:
        flash(str(problem), "error")
    else:
        flash(f"Invitation sent again to {user.email}", "success")
    if request.form.get("back") == "user":
        return redirect(url_for("admin.user", user_id=user.id))
    return redirect(url_for("admin.users"))


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/users/<int:user_id>")
@requires(can_manage_users, hide=False)
def user(user_id: int):
    person = _user(user_id)
    me = current_user._get_current_object()
    return render_template(
        "admin/user.html",
        person=person,
        status=people.status_of(person),
        deactivation_problem=people.deactivation_problem(person, by=me),
        reactivation_problem=people.reactivation_problem(person),
        form=None,
        confirm=ConfirmForm(),
    )


def _organisation_choices(person: User) -> list[Organisation]:
    """Active organisations, and the person's own even if it has since been deactivated."""
    choices = directory.active_organisations()
    if person.organisation is not None and person.organisation not in choices:
        choices = sorted([*choices, person.organisation], key=lambda org: org.name.lower())
    return choices


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires(can_manage_users, hide=False)
def edit_user(user_id: int):
    person = _user(user_id)
    form = ChangeUserForm(organisations=_organisation_choices(person))
    if request.method == "GET":
        form.name.data = person.name
        form.role.data = person.role.value
        form.organisation.data = str(person.organisation_id or "")
    if form.validate_on_submit():
        role = Role(form.role.data)
        organisation = directory.organisation(int(form.organisation.data)) if form.organisation.data else None
        try:
            changes = people.change_user(
                person,
                name=form.name.data,
                role=role,
                organisation=organisation,
                by=current_user._get_current_object(),
                ip_address=request.remote_addr,
            )
        except people.ChangeRefused as problem:
            form[problem.field].errors = [str(problem)]
        else:
            flash(f"{person.name}'s account {'has been saved' if changes else 'was not changed'}", "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user_form.html", form=form, person=person)


def _confirmation(action: str, template: str, person: User, apply, done: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            apply(person, by=current_user._get_current_object(), ip_address=request.remote_addr)
        except DomainError as problem:
            flash(str(problem), "error")
        else:
            flash(done, "success")
        return redirect(url_for("admin.user", user_id=person.id))
    return render_template(template, person=person, form=form, action=action)


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires(can_manage_users, hide=False)
def deactivate_user(user_id: int):
    person = _user(user_id)
    problem = people.deactivation_problem(person, by=current_user._get_current_object())
    if problem or not person.active:
        flash(problem or f"{person.name}'s account is already deactivated", "error" if problem else "message")
        return redirect(url_for("admin.user", user_id=person.id))
    return _confirmation(
        "deactivate",
        "admin/user_confirm.html",
        person,
        people.deactivate_user,
        f"{person.name}'s account has been deactivated",
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["GET", "POST"])
@requires(can_manage_users, hide=False)
def reactivate_user(user_id: int):
    person = _user(user_id)
    problem = people.reactivation_problem(person)
    if problem or person.active:
        flash(problem or f"{person.name}'s account is already active", "error" if problem else "message")
        return redirect(url_for("admin.user", user_id=person.id))
    return _confirmation(
        "reactivate",
        "admin/user_confirm.html",
        person,
        people.reactivate_user,
        f"{person.name}'s account has been reactivated",
    )


@bp.route("/users/<int:user_id>/cancel-invitation", methods=["GET", "POST"])
@requires(can_manage_users, hide=False)
def revoke_invitation(user_id: int):
    person = _user(user_id)
    if people.status_of(person) != people.UserStatus.INVITED:
        flash(f"{person.name} has no invitation waiting to be accepted", "error")
        return redirect(url_for("admin.user", user_id=person.id))
    return _confirmation(
        "cancel",
        "admin/user_confirm.html",
        person,
        people.revoke_invitation,
        f"{person.name}'s invitation has been cancelled: the link in it no longer works",
    )
