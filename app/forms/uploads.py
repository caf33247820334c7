"""Uploading a CSV file: the checks on the file as a whole, before its lines are read."""

from __future__ import annotations

import base64
import binascii

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import StopValidation

# Small enough to carry through the confirmation step in the form itself (under the 500 KB a form may post,
# once base64 encoded): thousands of organisations or people.
CSV_MAX_BYTES = 300 * 1024
CSV_MAX_LABEL = "300 KB"


def read_csv_file(storage) -> bytes:
    """The file's bytes, or StopValidation with the GOV.UK message saying what is wrong with it."""
    if storage is None or not getattr(storage, "filename", ""):
        raise StopValidation("Select a CSV file")
    content = storage.stream.read(CSV_MAX_BYTES + 1)
    if len(content) > CSV_MAX_BYTES:
        raise StopValidation(f"The selected file must be smaller than {CSV_MAX_LABEL}")
    if not content.strip():
        raise StopValidation("The selected file is empty")
    if not storage.filename.lower().endswith((".csv", ".txt")) or b"\x00" in content:
        raise StopValidation("The selected file must be a CSV")
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StopValidation(
            "The selected file must be saved as UTF-8: in your spreadsheet, save it as CSV UTF-8"
        ) from error
    return content


class CsvUploadForm(FlaskForm):
    file = FileField("Upload a file", widget=GovFileInput())
    submit = SubmitField("Upload and check the file", widget=GovSubmitInput())

    content: bytes = b""

    def validate_file(self, field):
        self.content = read_csv_file(field.data)


class CsvConfirmForm(FlaskForm):
    """The checked file comes back with the confirmation, with a fingerprint of what it would do then."""

    content = HiddenField()
    fingerprint = HiddenField()

    def file_bytes(self) -> bytes | None:
        try:
            content = base64.b64decode(self.content.data or "", validate=True)
        except (binascii.Error, ValueError):
            return None
        return content if 0 < len(content) <= CSV_MAX_BYTES else None

    @staticmethod
    def encode(content: bytes) -> str:
        return base64.b64encode(content).decode("ascii")
