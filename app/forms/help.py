"""The feedback form on the help pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from app.forms.common import strip

MESSAGE_LIMIT = 2000


class FeedbackForm(FlaskForm):
    message = TextAreaField(
        "What would you like to tell us?",
        description=(
            "Tell us what you were trying to do and what happened. Do not include personal information about "
            "anyone other than yourself."
        ),
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter what you would like to tell us"),
            Length(max=MESSAGE_LIMIT, message=f"Your message must be {MESSAGE_LIMIT} characters or fewer"),
        ],
    )
    reply_to = StringField(
        "Email address (optional)",
        description="If you would like a reply. We only use it to answer you.",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
    )
    page = HiddenField()
    submit = SubmitField("Send feedback", widget=GovSubmitInput())
