"""Administrators find, add, change, deactivate, delete and import organisations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.forms.organisations import NATIONAL, OrganisationForm
from app.forms.submit import ConfirmForm
from app.forms.uploads import CSV_MAX_LABEL, CsvConfirmForm, CsvUploadForm
from app.models import Organisation, Region, Sector
from app.permissions import can_manage_organisations, requires
from app.services.errors import DomainError
from app.services.organisations import admin as organisation_admin
from app.services.organisations.files import parse_organisations_csv
from app.services.paging import page_number
from app.services.people import account_admin as people

STATUSES = {"active": True, "deactivated": False}


def _organisation(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def _me():
    return current_user._get_current_object()


def _choice(enum_class, raw: str | None):
    return enum_class(raw) if raw in {member.value for member in enum_class} else None


@bp.route("/organisations")
@requires(can_manage_organisations, hide=False)
def organisations():
    args = request.args
    filters = {
        "q": args.get("q", "").strip()[:200],
        "sector": _choice(Sector, args.get("sector")),
        "region": _choice(Region, args.get("region")),
        "national": args.get("region") == NATIONAL,
        "status": args.get("status") if args.get("status") in STATUSES else "",
    }
    listing = organisation_admin.search_organisations(
        text=filters["q"],
        sector=filters["sector"],
        region=filters["region"],
        national=filters["national"],
        active=STATUSES.get(filters["status"]),
        page=page_number(args.get("page")),
    )
    query = {
        "q": filters["q"],
        "sector": filters["sector"].value if filters["sector"] else "",
        "region": NATIONAL if filters["national"] else (filters["region"].value if filters["region"] else ""),
        "status": filters["status"],
    }
    return render_template(
        "admin/organisations.html",
        listing=listing,
        filters=query,
        query={key: value for key, value in query.items() if value},
        sectors=list(Sector),
        regions=list(Region),
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@requires(can_manage_organisations, hide=False)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = organisation_admin.create_organisation(
                name=form.name.data,
                sector=Sector(form.sector.data),
                region=form.region_value,
                by=_me(),
                ip_address=request.remote_addr,
            )
        except DomainError as problem:
            form.name.errors = [str(problem)]
        else:
            flash(f"{organisation.name} has been added", "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template("admin/organisation_form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>")
@requires(can_manage_organisations, hide=False)
def organisation(organisation_id: int):
    organisation = _organisation(organisation_id)
    return render_template(
        "admin/organisation.html",
        organisation=organisation,
        counts=organisation_admin.counts_for(organisation),
        deletion_problem=organisation_admin.deletion_problem(organisation),
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires(can_manage_organisations, hide=False)
def edit_organisation(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = OrganisationForm()
    if request.method == "GET":
        form.show(organisation)
    if form.validate_on_submit():
        try:
            changes = organisation_admin.change_organisation(
                organisation,
                name=form.name.data,
                sector=Sector(form.sector.data),
                region=form.region_value,
                by=_me(),
                ip_address=request.remote_addr,
            )
        except DomainError as problem:
            form.name.errors = [str(problem)]
        else:
            message = "has been saved" if changes else "was not changed"
            flash(f"{organisation.name} {message}", "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template("admin/organisation_form.html", form=form, organisation=organisation)


@bp.route("/organisations/<int:organisation_id>/deactivate", methods=["GET", "POST"])
@requires(can_manage_organisations, hide=False)
def deactivate_organisation(organisation_id: int):
    organisation = _organisation(organisation_id)
    if not organisation.active:
        flash(f"{organisation.name} is already deactivated")
        return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        leads = organisation_admin.deactivate_organisation(
            organisation, by=_me(), ip_address=request.remote_addr
        )
        count = len(leads)
        flash(
            f"{organisation.name} has been deactivated"
            + (f", and {count} lead{'s' if count != 1 else ''} can no longer sign in" if count else ""),
            "success",
        )
        return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template(
        "admin/organisation_deactivate.html",
        organisation=organisation,
        leads=people.leads_losing_access(organisation),
        form=form,
    )


@bp.route("/organisations/<int:organisation_id>/reactivate", methods=["GET", "POST"])
@requires(can_manage_organisations, hide=False)
def reactivate_organisation(organisation_id: int):
    organisation = _organisation(organisation_id)
    if organisation.active:
        flash(f"{organisation.name} is already active")
        return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        organisation_admin.reactivate_organisation(organisation, by=_me(), ip_address=request.remote_addr)
        flash(f"{organisation.name} has been reactivated", "success")
        return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template(
        "admin/organisation_reactivate.html",
        organisation=organisation,
        counts=organisation_admin.counts_for(organisation),
        form=form,
    )


@bp.route("/organisations/<int:organisation_id>/delete", methods=["GET", "POST"])
@requires(can_manage_organisations, hide=False)
def delete_organisation(organisation_id: int):
    organisation = _organisation(organisation_id)
    problem = organisation_admin.deletion_problem(organisation)
    form = ConfirmForm()
    if problem:
        if request.method == "POST":
            flash(problem, "error")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    elif form.validate_on_submit():
        name = organisation.name
        organisation_admin.delete_organisation(organisation, by=_me(), ip_address=request.remote_addr)
        flash(f"{name} has been deleted", "success")
        return redirect(url_for("admin.organisations"))
    return render_template(
        "admin/organisation_delete.html", organisation=organisation, problem=problem, form=form
    )


# Importing a CSV file ------------------------------------------------------------------------------------


def _import_check_page(content: bytes, *, changed_since: bool = False):
    rows, problems = parse_organisations_csv(content)
    if problems:
        form = CsvUploadForm()
        noun = "problem" if len(problems) == 1 else "problems"
        form.file.errors = [f"The selected file has {len(problems)} {noun}: fix them and upload it again"]
        return render_template(
            "admin/organisations_import.html", form=form, problems=problems, limit=CSV_MAX_LABEL
        )
    plan = organisation_admin.plan_import(rows)
    confirm = CsvConfirmForm()
    confirm.content.data = CsvConfirmForm.encode(content)
    confirm.fingerprint.data = plan.fingerprint()
    return render_template(
        "admin/organisations_import_check.html", plan=plan, confirm=confirm, changed_since=changed_since
    )


@bp.route("/organisations/import", methods=["GET", "POST"])
@requires(can_manage_organisations, hide=False)
def import_organisations():
    form = CsvUploadForm()
    if form.validate_on_submit():
        return _import_check_page(form.content)
    return render_template("admin/organisations_import.html", form=form, problems=[], limit=CSV_MAX_LABEL)


@bp.route("/organisations/import/confirm", methods=["POST"])
@requires(can_manage_organisations, hide=False)
def confirm_organisations_import():
    confirm = CsvConfirmForm()
    content = confirm.file_bytes() if confirm.validate_on_submit() else None
    if content is None:
        flash("The file could not be read again: upload it again", "error")
        return redirect(url_for("admin.import_organisations"))
    rows, problems = parse_organisations_csv(content)
    if problems or organisation_admin.plan_import(rows).fingerprint() != confirm.fingerprint.data:
        # The organisations changed since the file was checked: show what it would do now.
        return _import_check_page(content, changed_since=True)
    result = organisation_admin.apply_import(rows, by=_me(), ip_address=request.remote_addr, via="CSV upload")
    flash(
        f"Organisations imported: {result.created} added, {result.updated} changed, "
        f"{result.unchanged} unchanged",
        "success",
    )
    return redirect(url_for("admin.organisations"))
