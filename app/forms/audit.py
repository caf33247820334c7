"""The audit log's filters: a GET form, so a filtered view can be bookmarked and shared."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, ValidationError

from app.forms.common import strip
from app.forms.dates import GovDateField
from app.ids import parse_id


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # it only reads

    person = StringField(
        "Person",
        description="Name or email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Length(max=254, message="Person must be 254 characters or fewer")],
    )
    organisation = SelectField("Organisation", widget=GovSelect(), coerce=str, validate_choice=False)
    submission = StringField(
        "Submission",
        description="Reference, like CP-2026-00012, or number",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Length(max=30, message="Submission must be 30 characters or fewer")],
    )
    action = SelectField("Action", widget=GovSelect(), coerce=str, validate_choice=False)
    date_from = GovDateField("From", description="For example, 1 10 2026", what="Date from")
    date_to = GovDateField("To", description="For example, 31 10 2026", what="Date to")

    def __init__(self, *args, organisations=(), actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice("", "Any organisation")] + [
            SelectChoice(str(org.id), org.name) for org in organisations
        ]
        self.action.choices = [SelectChoice("", "Any action")] + [
            SelectChoice(action, label) for action, label in actions
        ]

    @property
    def organisation_id(self) -> int | None:
        value = self.organisation.data or ""
        return parse_id(value)

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Date to must be the same as or after date from")
