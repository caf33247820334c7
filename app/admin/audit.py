"""The audit log: every action that matters, newest first, found by person, organisation, submission, action
and date. It only reads: events are never changed or removed."""

from __future__ import annotations

from flask import render_template, request

from app.admin import bp
from app.forms.audit import AuditFilterForm
from app.permissions import can_read_audit_log, requires
from app.services import audit_log as log
from app.services.organisations import directory
from app.services.paging import page_number

FILTERS = ("person", "organisation", "submission", "action", "date_from", "date_to")


@bp.route("/audit")
@requires(can_read_audit_log, hide=False)
def audit_log():
    form = AuditFilterForm(
        formdata=request.args,
        organisations=directory.all_organisations(),
        actions=log.actions_in_use(),
    )
    listing = None
    if form.validate():
        filters = log.AuditFilters(
            person=form.person.data or "",
            organisation_id=form.organisation_id,
            action=form.action.data or "",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        if form.submission.data:
            submission = log.find_submission(form.submission.data)
            if submission is None:
                form.submission.errors = [
                    f"There is no submission with the reference or number {form.submission.data}"
                ]
            else:
                filters.submission_id = submission.id
        if not form.errors:
            listing = log.search(filters, page_number(request.args.get("page")))
    query = {key: request.args.getlist(key) for key in FILTERS if any(request.args.getlist(key))}
    return render_template(
        "admin/audit_log.html",
        form=form,
        listing=listing,
        query=query,
        filtered=bool(query),
        count_limit=log.COUNT_LIMIT,
    )
