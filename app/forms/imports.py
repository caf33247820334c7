"""The administrator's form for uploading earlier responses and their mapping."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectChoice, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from app.models import ImportMode

MODE_HINTS = {
    ImportMode.RECORDS: "Each project is published in the collaboration database at once, as approved.",
    ImportMode.DRAFTS: (
        "Each project waits in its lead organisation's list of projects, for a collaboration lead to check, "
        "complete and submit before the deadline."
    ),
}


class ImportForm(FlaskForm):
    round = SelectField(
        "Round",
        widget=GovSelect(),
        description="The round the projects belong to. Its questionnaire decides what each answer must be.",
        validate_choice=False,
    )
    responses = FileField(
        "Responses file",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select the file of responses")],
    )
    mapping = FileField(
        "Mapping file",
        widget=GovFileInput(),
        description="A YAML file saying which column answers which question.",
        validators=[FileRequired(message="Select the mapping file")],
    )
    mode = RadioField(
        "Import the projects as",
        widget=GovRadioInput(),
        choices=[SelectChoice(mode.value, mode.label) for mode in ImportMode],
        validators=[InputRequired(message="Select how to import the projects")],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.round.choices = [SelectChoice("", "Select a round")] + [
            SelectChoice(str(r.id), r.title) for r in rounds
        ]
        self._round_ids = {str(r.id) for r in rounds}

    def validate_round(self, field):
        if not field.data:
            raise ValidationError("Select the round to import the projects into")
        if field.data not in self._round_ids:
            raise ValidationError("Select a round from the list")
