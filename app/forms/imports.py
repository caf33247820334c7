"""The administrator's form for bringing in the history: a file of earlier responses, the closed round it
belongs to (made from its title and year), and optionally a mapping (else one is proposed from the file)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from app.models import ImportMode

MODE_HINTS = {
    ImportMode.RECORDS: "Each project is published in the collaboration database at once, as approved.",
    ImportMode.REVIEW: "Each project waits in the review queue, marked imported, for a reviewer to approve.",
}


class ImportForm(FlaskForm):
    round_title = StringField(
        "Round title",
        widget=GovTextInput(),
        description="The closed round the projects go into, for example Collaboration return 2017. It is "
        "made if it does not exist yet.",
        validators=[
            InputRequired(message="Enter the round's title"),
            Length(max=200, message="The round's title must be 200 characters or fewer"),
        ],
    )
    year = IntegerField(
        "Year",
        widget=GovTextInput(),
        description="The year the responses were collected, for example 2017.",
        validators=[
            InputRequired(message="Enter the year the responses were collected, like 2017"),
            NumberRange(min=2000, max=2100, message="The year must be a year like 2017"),
        ],
    )
    responses = FileField(
        "Responses file",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select the file of responses")],
    )
    saved_mapping = SelectField(
        "Mapping",
        widget=GovSelect(),
        choices=[],
        validate_choice=False,
        description="A mapping saved on the mapping page of an earlier import, or one proposed from the "
        "file's own headings (you can check and change it on the next page).",
    )
    mapping = FileField(
        "Mapping file (optional)",
        widget=GovFileInput(),
        description="A YAML file saying which column answers which question. Leave this out and a mapping is "
        "proposed from the file's own headings: you can check it, and download it, on the next page.",
    )
    mode = RadioField(
        "Import the projects as",
        widget=GovRadioInput(),
        choices=[SelectChoice(mode.value, mode.label) for mode in (ImportMode.RECORDS, ImportMode.REVIEW)],
        validators=[InputRequired(message="Select how to import the projects")],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


PROPOSE = ("", "Propose one from the file's headings")
