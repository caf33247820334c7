"""The administrator's round form."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from app.forms.common import strip
from app.forms.dates import DateRequired, GovDateField, TimeOfDayField

# A year a round's title names: "Collaboration return 2027".
TITLE_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def parse_offsets(text: str) -> list[int] | None:
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


class RoundForm(FlaskForm):
    title = StringField(
        "Title",
        description="For example, Collaboration return 2026",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter a title for the round"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    opens_date = GovDateField(
        "Opening date",
        description="For example, 1 10 2026",
        what="Opening date",
        validators=[DateRequired("Enter the opening date")],
    )
    opens_time = TimeOfDayField(
        "Opening time",
        description="For example, 9am",
        widget=GovTextInput(),
        filters=[strip],
        what="Opening time",
        default="9am",
        validators=[InputRequired(message="Enter the opening time")],
    )
    deadline_date = GovDateField(
        "Deadline date",
        description="For example, 18 12 2026",
        what="Deadline date",
        validators=[DateRequired("Enter the deadline date")],
    )
    deadline_time = TimeOfDayField(
        "Deadline time",
        description="For example, 11:59pm",
        widget=GovTextInput(),
        filters=[strip],
        what="Deadline time",
        default="11:59pm",
        validators=[InputRequired(message="Enter the deadline time")],
    )
    reminder_offsets = StringField(
        "Send reminders this many days before the deadline",
        description="Whole numbers separated by commas, for example 14, 7, 2, 1",
        widget=GovTextInput(),
        filters=[strip],
        default="14, 7, 2, 1",
        validators=[InputRequired(message="Enter the days on which to send reminders")],
    )
    deadline_passed_notice = BooleanField(
        "Also email leads with work outstanding on the morning after the deadline, to say it has passed",
        description="Sent at 9am UK time to the leads of organisations that have not finished.",
        widget=GovCheckboxInput(),
    )
    questionnaire = SelectField(
        "Questionnaire version",
        description="The questions leads answer in this round. It cannot change once a lead has started.",
        widget=GovSelect(),
        coerce=str,
        validate_choice=False,
    )
    submit = SubmitField("Save round", widget=GovSubmitInput())

    @property
    def deadline_hint(self) -> str:
        """Under the deadline: the round's year (its references' and Find's) is the deadline's."""
        example = f"{self.deadline_date.description}."
        deadline = self.deadline_date.data
        if deadline is None:
            return f"{example} The round's year is the deadline's: references will read CP-<year>-…"
        return f"{example} References will read CP-{deadline.year}-…"

    def validate_title(self, field):
        # Only where the title names a year and none of them is the deadline's: most titles name the round's.
        deadline = self.deadline_date.data
        years = {int(year) for year in TITLE_YEAR.findall(field.data or "")}
        if deadline is not None and years and deadline.year not in years:
            named = ", ".join(str(year) for year in sorted(years))
            raise ValidationError(
                f"The title names {named} but the deadline is in {deadline.year}, the year its references "
                f"will have: change the title or the deadline"
            )

    def offer_versions(self, versions: list[tuple[str, str]]) -> None:
        """The versions to choose from, as (value, label); with none to choose, the question is not asked."""
        if versions:
            self.questionnaire.choices = [SelectChoice(value, label) for value, label in versions]
        else:
            del self.questionnaire

    def validate_questionnaire(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select a questionnaire version")

    def validate_reminder_offsets(self, field):
        offsets = parse_offsets(field.data or "")
        if offsets is None:
            raise ValidationError("Reminder days must be whole numbers separated by commas, like 14, 7, 2, 1")
        if any(o > 365 for o in offsets):
            raise ValidationError("Reminder days must be 365 or fewer")
