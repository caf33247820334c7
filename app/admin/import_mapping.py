"""The mapping page of an import (the question each column answers, the choice each value means), and the
mappings saved under a name: listed, downloaded as YAML, deleted."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.forms.import_mapping import mapping_form
from app.models import ImportBatch, SavedMapping
from app.permissions import can_import_responses, requires
from app.services.errors import DomainError, InvalidTransition
from app.services.imports import remapping
from app.services.imports import saved as saved_mappings
from app.services.imports.editing import MappingEditRefused

SAVED_NAMES = ("Proposed from the file's headings", "Changed on the mapping page")


@bp.route("/imports/<int:batch_id>/mapping", methods=["GET", "POST"])
@requires(can_import_responses, hide=False)
def change_mapping(batch_id: int):
    batch = db.session.get(ImportBatch, batch_id) or abort(404)
    try:
        content = remapping.editor(batch)
    except InvalidTransition as problem:
        flash(str(problem), "error")
        return redirect(url_for("admin.import_batch", batch_id=batch_id))
    saved_name = batch.mapping_name if saved_mappings.by_name(batch.mapping_name) else ""
    form = mapping_form(content, save_as=saved_name)
    first = content.columns[0].field if content.columns else "save_as"
    if form.validate_on_submit():
        try:
            remapping.change(
                batch,
                request.form,
                save_as=form.save_as.data or "",
                by=current_user._get_current_object(),
                ip_address=request.remote_addr,
            )
        except MappingEditRefused as refused:
            db.session.rollback()
            form.add_errors(refused.errors, first)
        except DomainError as error:
            db.session.rollback()
            form.add_errors({"save_as": str(error)}, first)
        else:
            db.session.commit()
            saved = f" and saved as {batch.mapping_name}" if batch.mapping_name not in SAVED_NAMES else ""
            flash(f"The mapping was changed{saved}. The file is being checked again with it.", "success")
            return redirect(url_for("admin.import_batch", batch_id=batch_id))
    return render_template("admin/import_mapping.html", batch=batch, content=content, form=form)


@bp.route("/imports/mappings")
@requires(can_import_responses, hide=False)
def saved_mapping_list():
    return render_template("admin/import_mappings.html", mappings=saved_mappings.saved_mappings())


@bp.route("/imports/mappings/<int:mapping_id>.yaml")
@requires(can_import_responses, hide=False)
def saved_mapping_yaml(mapping_id: int):
    saved = db.session.get(SavedMapping, mapping_id) or abort(404)
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in saved.name).strip("-") or "mapping"
    return Response(
        saved.mapping_text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}.yaml"'},
    )


@bp.route("/imports/mappings/<int:mapping_id>/delete", methods=["GET", "POST"])
@requires(can_import_responses, hide=False)
def delete_saved_mapping(mapping_id: int):
    saved = db.session.get(SavedMapping, mapping_id) or abort(404)
    if request.method == "POST":
        name = saved.name
        saved_mappings.delete(saved, by=current_user._get_current_object(), ip_address=request.remote_addr)
        db.session.commit()
        flash(f"The mapping {name} was deleted. Imports that used it keep their own copy.", "success")
        return redirect(url_for("admin.saved_mapping_list"))
    return render_template("admin/import_mapping_delete.html", saved=saved)
