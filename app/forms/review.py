"""Reviewers' forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.ids import parse_id


class DecisionForm(FlaskForm):
    """Each decision carries the version the reviewer saw: a decision on a changed submission is refused."""

    expected_version = HiddenField()
    confirmed = HiddenField()

    def version(self) -> int:
        value = self.expected_version.data or ""
        number = parse_id(value)
        return number if number is not None else -1


class RejectForm(DecisionForm):
    reason = TextAreaField(
        "Why are you rejecting this submission?",
        description="The lead will see this. Say what would need to be different.",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the reason for rejecting this submission"),
            Length(max=5000, message="Reason must be 5,000 characters or fewer"),
        ],
    )
