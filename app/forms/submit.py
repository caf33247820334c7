"""Fixed forms of the lead's journey."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length


class DeclarationForm(FlaskForm):
    confirm = BooleanField(
        "I confirm that the information in this return is accurate to the best of my knowledge",
        description="Reviewers may contact you or your partners to check it.",
        widget=GovCheckboxInput(),
        validators=[InputRequired(message="Confirm that the information is accurate to submit this project")],
    )
    submit = SubmitField("Submit project", widget=GovSubmitInput())


class PartnerForm(FlaskForm):
    answer = RadioField(
        "Is your organisation part of this project?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("yes", "Yes, we are part of this project"),
            SelectChoice("no", "No, we are not part of this project"),
        ],
        validators=[InputRequired(message="Select yes if your organisation is part of this project")],
    )
    comment = TextAreaField(
        "Anything the reviewers should know (optional)",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Comment must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A confirmation step with nothing to fill in: the CSRF token and a button."""
