"""Forms for two-factor authentication: a code from an authenticator app, or a recovery code."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length, Regexp


def _no_spaces(value):
    return "".join(value.split()) if isinstance(value, str) else value


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        description="The code changes every 30 seconds.",
        widget=GovTextInput(),
        filters=[_no_spaces],
        validators=[
            InputRequired(message="Enter the 6-digit code from your authenticator app"),
            Regexp(r"^[0-9]{6}$", message="The code must be 6 digits"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, button: str = "Continue", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submit.label.text = button


class RecoveryCodeForm(FlaskForm):
    recovery_code = StringField(
        "Recovery code",
        description="Each code is 10 letters and numbers, like abcde-23456, and works once.",
        widget=GovTextInput(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(message="Enter one of your recovery codes"),
            Length(max=40, message="The recovery code is not correct or has already been used"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
