"""An import's mapping changed on the mapping page: the batch is checked again with it (its earlier report
and the decisions made on it are dropped), and it can be saved under a name to use again."""

from __future__ import annotations

from collections.abc import Mapping as ReadOnly

from sqlalchemy import select

from app.extensions import db
from app.models import ImportBatch, ImportStatus, Organisation, SavedMapping, User
from app.models.base import utcnow
from app.services import audit
from app.services.errors import DomainError, InvalidTransition
from app.services.imports import saved as saved_mappings
from app.services.imports.editing import Editable, MappingEditRefused, edit, editable
from app.services.imports.files import FileProblem, open_table
from app.services.imports.responses import ImportRefused, prepare
from app.services.rounds import deadlines as rounds

CHANGEABLE = (ImportStatus.CHECKED, ImportStatus.FAILED)


def can_change(batch: ImportBatch) -> bool:
    return batch.status in CHANGEABLE and bool(batch.content)


def _names() -> list[str]:
    return list(db.session.scalars(select(Organisation.name)))


def editor(batch: ImportBatch) -> Editable:
    """The mapping page's content for a batch: InvalidTransition once it is imported, cancelled or busy."""
    if not can_change(batch):
        raise InvalidTransition(
            f"This import is {batch.status.label.lower()}: its mapping can no longer be changed"
        )
    try:
        table = open_table(batch.content or b"", batch.file_name, None)
    except FileProblem as problem:
        raise InvalidTransition(str(problem)) from None
    questionnaire = rounds.questionnaire_by_id(batch.round.questionnaire_version_id)
    return editable(table, batch.mapping_text, questionnaire, organisation_names=_names())


def change(
    batch: ImportBatch,
    posted: ReadOnly[str, str],
    *,
    save_as: str = "",
    by: User,
    ip_address: str | None = None,
) -> None:
    """Replace the batch's mapping with the one posted and queue the file to be checked again; with
    `save_as`, also save it under that name. MappingEditRefused (by field) or DomainError: nothing changed."""
    content = editor(batch)
    if save_as.strip():
        saved_mappings.check_name(save_as, replacing=batch.mapping_name)
    text = edit(content, posted, organisation_names=_names())
    try:
        prepared = prepare(batch.content or b"", batch.file_name, text, batch.round, batch.mode)
    except ImportRefused as refused:
        problems = [*refused.file_problems, *refused.mapping_problems, *refused.round_problems]
        raise MappingEditRefused({"": "Nothing was changed: " + "; ".join(problems)}) from None
    name = "Changed on the mapping page"
    if save_as.strip():
        name = saved_mappings.save(
            save_as, text, by=by, ip_address=ip_address, replacing=batch.mapping_name
        ).name
    changed = text != batch.mapping_text
    batch.mapping_text = text
    batch.mapping_name = name
    batch.source = prepared.source
    batch.status = ImportStatus.TO_CHECK
    batch.report = batch.decisions = batch.message = batch.rows_total = batch.finished_at = None
    batch.rows_done = 0
    batch.updated_at = utcnow()
    audit.record(
        "import.mapping_changed",
        actor=by,
        subject=batch,
        ip_address=ip_address,
        mapping=name,
        changed=changed,
    )


def use_saved(name_or_id: str) -> tuple[str, str]:
    """A saved mapping's (name, text), by its id (the upload page) or its name (the command line)."""
    found = None
    if name_or_id.isdigit() and len(name_or_id) < 10:
        found = db.session.get(SavedMapping, int(name_or_id))
    found = found or saved_mappings.by_name(name_or_id)
    if found is None:
        raise DomainError("Choose a saved mapping from the list")
    return found.name, found.mapping_text
