"""The organisation questions' fields (one organisation from a select; several, ticked in groups by sector)
and the sector-grouped picker they share with the deadline extension form."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from flask import get_template_attribute
from markupsafe import Markup

from app.forms.questionnaire_fields import AnswerField, CheckboxesAnswer
from app.questionnaires.organisation_options import OrganisationOption


class OrganisationAnswer(AnswerField):
    """organisation: one organisation's id (as text), from a select of the organisations offered."""

    template = "govuk_frontend_wtf/select.html"

    def __init__(self, *args: Any, options: Sequence[OrganisationOption] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.options = tuple(options)

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        items = [{"value": "", "text": "Select an organisation", "selected": not self.data}]
        items += [
            {"value": str(o.id), "text": o.name, "selected": str(o.id) == self.data} for o in self.options
        ]
        params = {"id": self.name, "name": self.name, "label": self._label(size, heading), "items": items}
        return self._hint_and_error(params)


class OrganisationsAnswer(CheckboxesAnswer):
    """organisations: a list of organisation ids (as text), ticked in one fieldset per sector, each inside a
    GOV.UK details element so that about 150 boxes stay manageable with or without JavaScript."""

    def __init__(self, *args: Any, options: Sequence[OrganisationOption] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.options = tuple(options)

    def render(self, *, size: str = "m", heading: bool = False, reveals: dict | None = None) -> Markup:
        macro = get_template_attribute("submit/_questions.html", "organisations_question")
        return macro(self.govuk_params(size=size, heading=heading, reveals=reveals or {}))

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        groups = organisation_groups(
            self.options,
            name=self.name,
            field_id=self.name,
            ticked=set(self.data),
            in_error=bool(self.errors),
            open_in_error=self.question.require_one_of_sectors,
        )
        params = {"id": self.name, "fieldset": self._fieldset(size, heading), "groups": groups}
        return self._hint_and_error(params)


def organisation_groups(
    options: Sequence[OrganisationOption],
    *,
    name: str,
    field_id: str,
    ticked: set[str],
    in_error: bool,
    open_in_error: Collection[str] = (),
) -> list[dict[str, Any]]:
    """The params of an organisation picker's groups: for each sector, a details element with the sector's
    checkboxes, open when one of them is ticked, or when the picker is in error and the group is the first or
    one of `open_in_error`. The first box carries the picker's id, for the error summary to link to."""
    sectors: dict[str, list[OrganisationOption]] = {}
    for option in options:
        sectors.setdefault(option.sector, []).append(option)
    groups = []
    for number, (sector, members) in enumerate(sectors.items()):
        label = members[0].sector_label
        items = [
            {
                "value": str(option.id),
                "text": option.name,
                "checked": str(option.id) in ticked,
                "id": field_id if number == 0 and index == 0 else f"{field_id}-{option.id}",
            }
            for index, option in enumerate(members)
        ]
        count = sum(1 for item in items if item["checked"])
        wanted = number == 0 or sector in open_in_error
        groups.append(
            {
                "summary": f"{label} ({count} selected)" if count else label,
                "open": bool(count) or (in_error and wanted),
                "checkboxes": {
                    "name": name,
                    "idPrefix": f"{field_id}-{sector}",
                    "classes": "govuk-checkboxes--small",
                    "fieldset": {"legend": {"text": label, "classes": "govuk-visually-hidden"}},
                    "items": items,
                },
            }
        )
    return groups
