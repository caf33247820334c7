"""The mapping page's form: a select for each column of the file (the question it answers, or left out) and
for each distinct value of a choice question's column (the choice it means, or kept as given), made for the
file at hand; and a name to save the mapping under."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length

from app.forms.common import strip
from app.services.imports.editing import KEEP_AS_GIVEN, LEAVE_OUT, Editable
from app.services.imports.saved import MAX_NAME_LENGTH


class MappingForm(FlaskForm):
    save_as = StringField(
        "Save this mapping as (optional)",
        widget=GovTextInput(),
        filters=[strip],
        description="Give it a name to use it again for the next export of the same survey. If this import "
        "uses a saved mapping, give its name to update it.",
        validators=[
            Length(max=MAX_NAME_LENGTH, message=f"The name must be {MAX_NAME_LENGTH} characters or fewer")
        ],
    )
    submit = SubmitField("Save and check the file again", widget=GovSubmitInput())

    def add_errors(self, errors: dict[str, str], first: str) -> None:
        """Messages from the mapping's checks, each on its field (those about the whole form on `first`)."""
        for name, message in errors.items():
            target = self._fields.get(name) or self._fields.get(first) or self.save_as
            target.errors = [*target.errors, message]


def mapping_form(content: Editable, *, save_as: str = "") -> MappingForm:
    """A form class made for this file: its fields are named as the service reads them."""

    class ThisFileMapping(MappingForm):
        pass

    column_choices = [SelectChoice(v, t) for v, t in [(LEAVE_OUT, "Leave this column out"), *content.targets]]
    for column in content.columns:
        setattr(
            ThisFileMapping,
            column.field,
            SelectField(
                column.title,
                widget=GovSelect(),
                choices=column_choices,
                default=column.target,
                validate_choice=False,
            ),
        )
    for section in content.sections:
        choices = [SelectChoice(v, t) for v, t in [(KEEP_AS_GIVEN, "Keep as given"), *section.options]]
        for number, value in enumerate(section.values):
            setattr(
                ThisFileMapping,
                section.field(number),
                SelectField(
                    value.label,
                    widget=GovSelect(),
                    choices=choices,
                    default=value.choice,
                    validate_choice=False,
                ),
            )
    form = ThisFileMapping()
    if not form.is_submitted():
        form.save_as.data = save_as
    return form
