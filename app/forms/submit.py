"""Fixed forms of the lead's journey."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired


class DeclarationForm(FlaskForm):
    confirm = BooleanField(
        "I confirm that the information in this return is accurate to the best of my knowledge",
        widget=GovCheckboxInput(),
        validators=[InputRequired(message="Confirm that the information is accurate to submit this project")],
    )
    submit = SubmitField("Submit project", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A confirmation step with nothing to fill in: the CSRF token and a button."""
