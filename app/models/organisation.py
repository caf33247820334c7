"""Organisations: the police forces, fire and rescue services, ambulance services and partners that report."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow


class Sector(enum.StrEnum):
    POLICE = "police"
    FIRE_AND_RESCUE = "fire_and_rescue"
    AMBULANCE = "ambulance"
    POLICE_AND_CRIME_COMMISSIONER = "police_and_crime_commissioner"
    LOCAL_AUTHORITY = "local_authority"
    HEALTH = "health"
    COASTGUARD = "coastguard"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.POLICE: "Police",
    Sector.FIRE_AND_RESCUE: "Fire and rescue",
    Sector.AMBULANCE: "Ambulance",
    Sector.POLICE_AND_CRIME_COMMISSIONER: "Police and crime commissioner",
    Sector.LOCAL_AUTHORITY: "Local authority",
    Sector.HEALTH: "Health",
    Sector.COASTGUARD: "Coastguard",
    Sector.OTHER: "Other",
}


class Region(enum.StrEnum):
    NORTH_EAST = "north_east"
    NORTH_WEST = "north_west"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire_and_the_humber"
    EAST_MIDLANDS = "east_midlands"
    WEST_MIDLANDS = "west_midlands"
    EAST_OF_ENGLAND = "east_of_england"
    LONDON = "london"
    SOUTH_EAST = "south_east"
    SOUTH_WEST = "south_west"
    WALES = "wales"

    @property
    def label(self) -> str:
        return REGION_LABELS[self]


REGION_LABELS = {
    Region.NORTH_EAST: "North East",
    Region.NORTH_WEST: "North West",
    Region.YORKSHIRE_AND_THE_HUMBER: "Yorkshire and the Humber",
    Region.EAST_MIDLANDS: "East Midlands",
    Region.WEST_MIDLANDS: "West Midlands",
    Region.EAST_OF_ENGLAND: "East of England",
    Region.LONDON: "London",
    Region.SOUTH_EAST: "South East",
    Region.SOUTH_WEST: "South West",
    Region.WALES: "Wales",
}


REGION_LABELS_BY_VALUE = {region.value: label for region, label in REGION_LABELS.items()}


class Organisation(Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[Sector] = mapped_column(
        Enum(
            Sector,
            name="sector",
            native_enum=False,
            length=40,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # Null for national organisations (British Transport Police, the Maritime and Coastguard Agency).
    region: Mapped[Region | None] = mapped_column(
        Enum(
            Region,
            name="region",
            native_enum=False,
            length=40,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Other names people use for it: abbreviations ("GMP"), former names and mergers ("Hampshire
    # Constabulary"), Welsh names. Imports match names against them.
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


# Names are unique whatever their case: "Kent Police" and "kent police" are one organisation.
Index("uq_organisations_name_lower", func.lower(Organisation.name), unique=True)
