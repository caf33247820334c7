"""Administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from app.forms.common import email_validators, strip
from app.models import Role


def _organisation_field() -> SelectField:
    # Made in each form's own body, so that it comes after the role in the form and in its error summary.
    return SelectField(
        "Organisation",
        widget=GovSelect(),
        description=(
            "Required for collaboration leads. For a reviewer, their own organisation: "
            "they will not review its projects."
        ),
        coerce=str,
        validate_choice=False,
    )


class _PersonForm(FlaskForm):
    """What inviting a person and changing one share: their name, and an organisation, which a collaboration
    lead must have. Subclasses add `role` and `organisation` fields, and offer organisations with `_offer`."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the person's full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )

    def _offer(self, organisations, blank: str, label=lambda org: org.name) -> None:
        self.organisation.choices = [SelectChoice("", blank)] + [
            SelectChoice(str(org.id), label(org)) for org in organisations
        ]
        self._organisation_ids = {str(org.id) for org in organisations}

    def validate_organisation(self, field):
        if self.role.data == Role.LEAD.value and not field.data:
            raise ValidationError("Select the lead's organisation")
        if field.data and field.data not in self._organisation_ids:
            raise ValidationError("Select an organisation from the list")


class InviteUserForm(_PersonForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=email_validators("the person's email address"),
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(role.value, role.label) for role in Role],
        description="Collaboration leads report their organisation's projects. Reviewers check submissions.",
        validators=[InputRequired(message="Select a role")],
    )
    organisation = _organisation_field()
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._offer(organisations, "Select an organisation")


class ChangeUserForm(_PersonForm):
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(role.value, role.label) for role in Role],
        description="Administrators have no organisation.",
        validators=[InputRequired(message="Select a role")],
        validate_choice=False,
    )
    organisation = _organisation_field()
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._offer(
            organisations,
            "No organisation",
            lambda org: org.name if org.active else f"{org.name} (deactivated)",
        )

    def validate_role(self, field):
        if field.data not in {role.value for role in Role}:
            raise ValidationError("Select a role")
