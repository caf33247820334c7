"""The organisation questions' fields (one organisation from a select; several, added one at a time) and the
sector-grouped picker of the deadline extension form."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from flask import get_template_attribute
from markupsafe import Markup

from app.forms.questionnaire_fields import AnswerField, CheckboxesAnswer
from app.questionnaires.organisation_options import OrganisationOption


class OrganisationAnswer(AnswerField):
    """organisation: one organisation's id (as text), from a select of the organisations offered.

    A question that must be answered with the lead's own organisation (`own_organisation`, such as the lead
    organisation: questionnaires/rules.py's own_organisation_error) is not a choice when that organisation is
    known and offered: the page shows its name, and the answer is it whatever is posted or was saved. Where it
    is not known (a preview of the questionnaire), it is a select."""

    template = "govuk_frontend_wtf/select.html"

    def __init__(
        self,
        *args: Any,
        options: Sequence[OrganisationOption] = (),
        own_organisation_id: int | None = None,
        **kwargs: Any,
    ):
        self.own_organisation_id = own_organisation_id
        self.options = tuple(options)  # first: read_answer, called by Field.__init__'s process, needs them
        super().__init__(*args, **kwargs)

    @property
    def fixed(self) -> OrganisationOption | None:
        """The lead's own organisation, when it is the only answer the question allows."""
        if not self.question.own_organisation or self.own_organisation_id is None:
            return None
        return next((o for o in self.options if o.id == self.own_organisation_id), None)

    def read_form(self, formdata) -> Any:
        fixed = self.fixed
        return str(fixed.id) if fixed else super().read_form(formdata)

    def read_answer(self, value: Any) -> Any:
        fixed = self.fixed
        if fixed:
            return str(fixed.id)
        typed = super().read_answer(value)
        if not typed and value is None and self.own_organisation_id is not None:
            return str(self.own_organisation_id)  # never answered: the lead's own organisation
        return typed

    def render(self, *, size: str = "m", heading: bool = False, reveals: dict | None = None) -> Markup:
        fixed = self.fixed
        if not fixed:
            return super().render(size=size, heading=heading, reveals=reveals)
        macro = get_template_attribute("submit/_questions.html", "own_organisation_question")
        params = {"id": self.name, "label": self.question.label, "size": size, "heading": heading}
        return macro(self._hint_and_error({**params, "organisation": fixed.name}))

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        items = [{"value": "", "text": "Select an organisation", "selected": not self.data}]
        items += [
            {"value": str(o.id), "text": o.name, "selected": str(o.id) == self.data} for o in self.options
        ]
        params = {"id": self.name, "name": self.name, "label": self._label(size, heading), "items": items}
        return self._hint_and_error(params)


class OrganisationsAnswer(CheckboxesAnswer):
    """organisations: a list of organisation ids (as text), built up one at a time. The page lists the chosen
    ones, each with a "Remove" button, then a select (an accessible autocomplete with JavaScript) and an "Add
    partner" button. Both buttons post the page (`action` = "add:<id>" or "remove:<id>:<organisation id>"), so
    it works the same without JavaScript. The chosen ids are posted back as hidden inputs named after the
    question; the select is `<id>-add`, and an organisation chosen there is added whichever button posts."""

    def __init__(
        self,
        *args: Any,
        options: Sequence[OrganisationOption] = (),
        own_region: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.options = tuple(options)
        self.own_region = own_region

    def read_form(self, formdata) -> list[str]:
        chosen = super().read_form(formdata)
        action = (formdata.get("action") or "").strip()
        if action.startswith(f"remove:{self.name}:"):
            removed = action.rsplit(":", 1)[1]
            chosen = [value for value in chosen if value != removed]
        adding = formdata.get(f"{self.name}-add", "").strip()
        if adding and adding not in chosen:
            chosen.append(adding)
        return chosen

    def render(self, *, size: str = "m", heading: bool = False, reveals: dict | None = None) -> Markup:
        macro = get_template_attribute("submit/_questions.html", "organisations_question")
        return macro(self.govuk_params(size=size, heading=heading, reveals=reveals or {}))

    def govuk_params(self, *, size: str, heading: bool, reveals: dict) -> dict[str, Any]:
        by_id = {str(option.id): option for option in self.options}
        chosen = [by_id[value] for value in self.data if value in by_id]
        taken = {str(option.id) for option in chosen}
        left = [option for option in self.options if str(option.id) not in taken]
        near: list[OrganisationOption] = []
        far: list[OrganisationOption] = []
        for option in left:
            (near if self.own_region and option.region == self.own_region else far).append(option)
        groups = []
        if near:
            groups.append({"label": f"In the {near[0].region_label}", "options": _by_name(near)})
        if far:
            groups.append({"label": "Other areas" if near else "Organisations", "options": _by_name(far)})
        params = {
            "id": self.name,
            "name": self.name,
            "fieldset": self._fieldset(size, heading),
            "chosen": [{"value": str(o.id), "text": o.name, "sector": o.sector_label} for o in chosen],
            "groups": groups,
            "region": near[0].region_label if near else None,
        }
        return self._hint_and_error(params)


def _by_name(options: Sequence[OrganisationOption]) -> list[dict[str, str]]:
    return [{"value": str(o.id), "text": o.name} for o in sorted(options, key=lambda o: o.name.lower())]


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
