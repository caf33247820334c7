"""Administration forms for organisations."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from app.forms.common import strip
from app.models import Region, Sector
from app.services.organisations.files import NAME_MAX_LENGTH

NATIONAL = "national"


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the organisation's name"),
            Length(max=NAME_MAX_LENGTH, message=f"Name must be {NAME_MAX_LENGTH} characters or fewer"),
        ],
    )
    sector = RadioField(
        "Sector",
        widget=GovRadioInput(),
        choices=[SelectChoice(sector.value, sector.label) for sector in Sector],
        validators=[InputRequired(message="Select the organisation's sector")],
        validate_choice=False,
    )
    region = SelectField(
        "Region",
        widget=GovSelect(),
        description="National organisations, like British Transport Police, have no region",
        choices=[SelectChoice("", "Select a region"), SelectChoice(NATIONAL, "National (no region)")]
        + [SelectChoice(region.value, region.label) for region in Region],
        validators=[InputRequired(message="Select the organisation's region, or national")],
        validate_choice=False,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_sector(self, field):
        if field.data not in {sector.value for sector in Sector}:
            raise ValidationError("Select the organisation's sector")

    def validate_region(self, field):
        if field.data != NATIONAL and field.data not in {region.value for region in Region}:
            raise ValidationError("Select the organisation's region, or national")

    @property
    def region_value(self) -> Region | None:
        return None if self.region.data == NATIONAL else Region(self.region.data)

    def show(self, organisation) -> None:
        self.name.data = organisation.name
        self.sector.data = organisation.sector.value
        self.region.data = organisation.region.value if organisation.region else NATIONAL
