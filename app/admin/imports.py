"""Administrators import earlier responses: upload a file and its mapping, read the dry run, then import."""

from __future__ import annotations

from pathlib import PurePath

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.admin import bp
from app.extensions import db
from app.forms.imports import MODE_HINTS, PROPOSE, ImportForm
from app.models import ImportBatch, ImportMode, ImportStatus
from app.models.imports import RUNNING_STATUSES
from app.permissions import can_import_responses, requires
from app.services.errors import DomainError, InvalidTransition
from app.services.imports import batches as import_batches
from app.services.imports import remapping
from app.services.imports import responses as imports
from app.services.imports import saved as saved_mappings

MAPPING_MAX_BYTES = 256 * 1024
MAPPING_SUFFIXES = (".yaml", ".yml")


@bp.route("/imports")
@requires(can_import_responses, hide=False)
def imports_list():
    return render_template("admin/imports.html", batches=import_batches.recent_batches())


@bp.route("/imports/new", methods=["GET", "POST"])
@requires(can_import_responses, hide=False)
def new_import():
    form = ImportForm()
    form.saved_mapping.choices = [SelectChoice(*PROPOSE)] + [
        SelectChoice(str(m.id), m.name) for m in saved_mappings.saved_mappings()
    ]
    limit = current_app.config["IMPORT_MAX_BYTES"]
    if form.validate_on_submit():
        data = _read(form.responses, limit, "The selected file must be smaller than " + _size(limit))
        given = bool(form.mapping.data and form.mapping.data.filename)
        mapping_text = _mapping_text(form.mapping) if given else ""
        mapping_name = _name(form.mapping.data.filename) if given else ""
        if form.saved_mapping.data and mapping_text is not None:
            if given:
                form.mapping.errors = ["Choose a saved mapping or upload a mapping file, not both"]
                mapping_text = None
            else:
                try:
                    mapping_name, mapping_text = remapping.use_saved(form.saved_mapping.data)
                except DomainError as error:
                    form.saved_mapping.errors = [str(error)]
                    mapping_text = None
        if data is not None and mapping_text is not None:
            try:
                batch = import_batches.upload(
                    data=data,
                    file_name=_name(form.responses.data.filename),
                    mapping_text=mapping_text,
                    mapping_name=mapping_name,
                    round_title=form.round_title.data,
                    year=form.year.data,
                    mode=ImportMode(form.mode.data),
                    by=current_user._get_current_object(),
                    ip_address=request.remote_addr,
                )
            except imports.ImportRefused as refused:
                db.session.rollback()
                form.responses.errors = refused.file_problems
                form.mapping.errors = refused.mapping_problems
                form.round_title.errors = refused.round_problems
            except DomainError as error:
                db.session.rollback()
                form.round_title.errors = [str(error)]
            else:
                return redirect(url_for("admin.import_batch", batch_id=batch.id))
    return render_template("admin/import_form.html", form=form, limit=_size(limit), hints=MODE_HINTS)


@bp.route("/imports/<int:batch_id>")
@requires(can_import_responses, hide=False)
def import_batch(batch_id: int):
    batch = db.session.get(ImportBatch, batch_id) or abort(404)
    report = imports.Report.from_json(batch.report)
    projects = import_batches.imported_projects(batch) if batch.status == ImportStatus.IMPORTED else []
    return render_template(
        "admin/import_batch.html",
        batch=batch,
        report=report,
        projects=projects,
        running=batch.status in RUNNING_STATUSES,
        statuses=ImportStatus,
        changeable=remapping.can_change(batch),
    )


@bp.route("/imports/<int:batch_id>/confirm", methods=["POST"])
@requires(can_import_responses, hide=False)
def confirm_import(batch_id: int):
    batch = db.session.get(ImportBatch, batch_id) or abort(404)
    try:
        import_batches.confirm(
            batch,
            by=current_user._get_current_object(),
            ip_address=request.remote_addr,
            answers=request.form.to_dict(flat=False),
        )
    except InvalidTransition as problem:
        flash(str(problem), "error")
    return redirect(url_for("admin.import_batch", batch_id=batch_id))


@bp.route("/imports/<int:batch_id>/mapping.yaml")
@requires(can_import_responses, hide=False)
def import_mapping(batch_id: int):
    """The mapping used (given, or proposed from the file), for `flask import responses --mapping`."""
    batch = db.session.get(ImportBatch, batch_id) or abort(404)
    name = PurePath(batch.file_name).stem + "-mapping.yaml"
    return Response(
        batch.mapping_text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/imports/<int:batch_id>/cancel", methods=["POST"])
@requires(can_import_responses, hide=False)
def cancel_import(batch_id: int):
    batch = db.session.get(ImportBatch, batch_id) or abort(404)
    try:
        import_batches.cancel(batch, by=current_user._get_current_object(), ip_address=request.remote_addr)
    except InvalidTransition as problem:
        flash(str(problem), "error")
        return redirect(url_for("admin.import_batch", batch_id=batch_id))
    flash(f"The import of {batch.file_name} has been cancelled. Nothing was imported.", "success")
    return redirect(url_for("admin.imports_list"))


def _read(field, limit: int, too_large: str) -> bytes | None:
    data = field.data.stream.read(limit + 1)
    if len(data) > limit:
        field.errors = [too_large]
        return None
    return data


def _mapping_text(field) -> str | None:
    if PurePath(field.data.filename or "").suffix.lower() not in MAPPING_SUFFIXES:
        field.errors = ["The selected mapping must be a YAML file (.yaml or .yml)"]
        return None
    data = _read(
        field, MAPPING_MAX_BYTES, "The selected mapping must be smaller than " + _size(MAPPING_MAX_BYTES)
    )
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        field.errors = ["The selected mapping must be a YAML file saved as UTF-8"]
        return None
    if not text.strip():
        field.errors = ["The selected mapping is empty"]
        return None
    return text


def _name(file_name: str | None) -> str:
    return PurePath((file_name or "").replace("\\", "/")).name or "upload"


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit // 1024} KB"
