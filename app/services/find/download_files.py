"""One download, streamed to a web response or written to a file by the worker: the same bytes either way.

The rows come from app/services/find/search.py (`export_records`, the records the viewer may read); the
columns leave contact details out for a viewer who may not see them (app/services/find/visibility.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation
from app.questionnaires.loader import default_questionnaire
from app.services.find import download_streams as streams
from app.services.find import downloads_xlsx
from app.services.find.visibility import Viewer

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Format: (media type, file name). Flask adds "; charset=utf-8" to every text/ type.
FILES = {
    "csv": ("text/csv", "collaboration-projects.csv"),
    "json": ("application/json", "collaboration-projects.json"),
    "xlsx": (XLSX_TYPE, "collaboration-projects.xlsx"),
}


def organisation_names() -> dict[str, str]:
    """Every organisation's name by id (as answers hold them): one query, however many records are sent."""
    return {
        str(org_id): name for org_id, name in db.session.execute(select(Organisation.id, Organisation.name))
    }


def stream(fmt: str, records: Iterable[Any], viewer: Viewer) -> Iterator[str] | Iterator[bytes]:
    """The download as chunks of text (CSV, JSON) or bytes (XLSX), each made as it is sent."""
    questionnaire, names = default_questionnaire(), organisation_names()
    if fmt == "csv":
        return streams.csv_stream(records, questionnaire, names, contacts=viewer.contacts)
    if fmt == "json":
        return streams.json_stream(records, questionnaire, names, contacts=viewer.contacts)
    if fmt == "xlsx":
        return downloads_xlsx.xlsx_chunks(records, questionnaire, names, contacts=viewer.contacts)
    raise ValueError(f"Unknown download format {fmt!r}")


def write(fmt: str, records: Iterable[Any], target: IO[bytes], viewer: Viewer) -> None:
    """The download written to a binary file: byte for byte what `stream` sends."""
    if fmt == "xlsx":
        downloads_xlsx.write_xlsx(
            records, default_questionnaire(), organisation_names(), target, contacts=viewer.contacts
        )
        return
    for chunk in stream(fmt, records, viewer):
        target.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
