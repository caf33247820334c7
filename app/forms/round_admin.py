"""Forms of round administration: a new questionnaire version, and deadline extensions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import get_template_attribute
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from markupsafe import Markup
from wtforms import Field, FileField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from app.forms.common import strip
from app.forms.dates import DateRequired, GovDateField, TimeOfDayField
from app.forms.organisation_fields import organisation_groups
from app.ids import parse_id
from app.questionnaires.organisation_options import OrganisationOption

MAX_DEFINITION_BYTES = 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")


class QuestionnaireUploadForm(FlaskForm):
    definition_file = FileField(
        "Upload a YAML file",
        description="A .yaml or .yml file of 1MB or less",
        widget=GovFileInput(),
    )
    definition_text = TextAreaField(
        "Or paste the definition",
        description="The whole YAML definition, starting with its id, version and title",
        widget=GovTextArea(),
    )
    submit = SubmitField("Check and save version", widget=GovSubmitInput())

    # The definition to load, once validate() has read it from the file or the text box; and which of them.
    text: str = ""
    source: str = "definition_text"

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        upload = self.definition_file.data
        chosen = upload is not None and bool(getattr(upload, "filename", ""))
        typed = (self.definition_text.data or "").strip()
        if chosen and typed:
            self.definition_file.errors = ["Choose a file or paste the definition, not both"]
            return False
        if chosen:
            self.source = "definition_file"
            return self._read_file(upload)
        if not typed:
            self.definition_file.errors = ["Select a YAML file or paste the definition"]
            return False
        self.text = self.definition_text.data.replace("\r\n", "\n")
        return True

    def _read_file(self, upload) -> bool:
        field = self.definition_file
        if not upload.filename.lower().endswith(YAML_SUFFIXES):
            field.errors = ["The selected file must be a YAML file (.yaml or .yml)"]
            return False
        content = upload.read(MAX_DEFINITION_BYTES + 1)
        if len(content) > MAX_DEFINITION_BYTES:
            field.errors = ["The selected file must be smaller than 1MB"]
            return False
        if not content.strip():
            field.errors = ["The selected file is empty"]
            return False
        try:
            self.text = content.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError:
            field.errors = ["The selected file must be text in UTF-8"]
            return False
        return True


class OrganisationsPicker(Field):
    """Several organisations, ticked in one fieldset of checkboxes per sector, each inside a GOV.UK details
    element: the picker leads use for partners, drawn by the same macro. Data: a list of organisation ids."""

    def __init__(self, label=None, validators=None, *, legend_size: str = "m", **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.options: Sequence[OrganisationOption] = ()
        self.legend_size = legend_size
        self.data: list[int] = []

    def process_formdata(self, valuelist):
        self.raw_data = list(valuelist)
        self.data = [number for value in valuelist if (number := parse_id(value)) is not None][:5000]
        if len(self.data) != len(valuelist):
            raise ValueError("Select organisations from the list")

    def process_data(self, value):
        self.data = list(value or [])

    def pre_validate(self, form):
        known = {option.id for option in self.options}
        if any(value not in known for value in self.data):
            raise ValidationError("Select organisations from the list")

    def __call__(self, **kwargs: Any) -> Markup:
        macro = get_template_attribute("submit/_questions.html", "organisation_checkboxes")
        return macro(self.govuk_params())

    def govuk_params(self) -> dict[str, Any]:
        groups = organisation_groups(
            self.options,
            name=self.name,
            field_id=self.id,
            ticked={str(value) for value in self.data},
            in_error=bool(self.errors),
        )
        params: dict[str, Any] = {
            "id": self.id,
            "fieldset": {
                "legend": {"text": self.label.text, "classes": f"govuk-fieldset__legend--{self.legend_size}"}
            },
            "groups": groups,
        }
        if self.description:
            params["hint"] = {"text": self.description}
        if self.errors:
            params["errorMessage"] = {"text": self.errors[0]}
        return params


class ExtensionForm(FlaskForm):
    organisations = OrganisationsPicker(
        "Which organisations get more time?",
        description="Open a sector to see its organisations. Select all that apply.",
    )
    deadline_date = GovDateField(
        "New deadline date",
        description="For example, 15 1 2027",
        what="New deadline date",
        validators=[DateRequired("Enter the new deadline date")],
    )
    deadline_time = TimeOfDayField(
        "New deadline time",
        description="UK time, for example 5pm",
        widget=GovTextInput(),
        filters=[strip],
        what="New deadline time",
        default="11:59pm",
        validators=[InputRequired(message="Enter the new deadline time")],
    )
    reason = StringField(
        "Why do they get more time?",
        description="Shown with the extension and kept in the audit log, for example 'Cyber incident'",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter why the deadline is being extended"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Extend the deadline", widget=GovSubmitInput())

    def validate_organisations(self, field):
        if not field.data:
            raise ValidationError("Select at least one organisation")
