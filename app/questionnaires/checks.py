"""The rules a definition must follow beyond its shape, part by part: what fits which question type, its
validation and its role. The cross-references, checked once the whole definition has been read, are in
references.py."""

from __future__ import annotations

import re
from typing import Any

import yaml

from app.questionnaires.reading import Mapping, Reader, suggest
from app.questionnaires.roles import ROLES
from app.questionnaires.schema import QUESTION_TYPES, Choice

# The values of app.models.organisation.Sector, repeated so that loading a definition needs no models.
SECTORS = (
    "police",
    "fire_and_rescue",
    "ambulance",
    "police_and_crime_commissioner",
    "local_authority",
    "health",
    "coastguard",
    "other",
)
CHOICE_TYPES = ("radios", "checkboxes", "select")
CONTROLLING_TYPES = ("yes_no", *CHOICE_TYPES)
YES_NO = ("yes", "no")

# Which validation rules apply to which question type.
RULES: dict[str, tuple[str, ...]] = {
    "text": ("min_length", "max_length", "pattern", "pattern_message"),
    "long_text": ("min_length", "max_length", "max_words"),
    "number": ("min_value", "max_value", "whole_number"),
    "money": ("min_value", "max_value"),
    "date": ("not_before", "not_after"),
    "month_year": ("not_before", "not_after"),
    "checkboxes": ("min_items", "max_items"),
    "organisations": ("min_items", "max_items"),
    "repeating_group": ("min_items", "max_items"),
}
# Question keys that only some types take (choices and fields are checked on their own: some types need them).
KEY_TYPES: dict[str, tuple[str, ...]] = {
    "item_name": ("repeating_group",),
    "sectors": ("organisation", "organisations"),
    "require_one_of_sectors": ("organisations",),
    "require_one_of_sectors_message": ("organisations",),
    "own_organisation": ("organisation",),
}
LIMIT_PAIRS = (("min_length", "max_length"), ("min_value", "max_value"), ("min_items", "max_items"))


def question_type(reader: Reader, node: yaml.Node | None) -> str | None:
    value = reader.text(node, "the question type")
    if value is not None and value not in QUESTION_TYPES:
        reader.problem(node, f"Unknown question type '{value}'. Use one of: {', '.join(QUESTION_TYPES)}")
        return None
    return value


def keys_fit_type(reader: Reader, question: Mapping, qtype: str, where: str) -> None:
    """Choices only on choice types, fields only on repeating groups, and so on; and none missing."""
    if qtype in CHOICE_TYPES and "choices" not in question.values:
        reader.problem(question.line, f"{capital(where)} is a {qtype} question, so it needs choices")
    elif "choices" in question.values and qtype not in CHOICE_TYPES:
        reason = "always has the choices yes and no" if qtype == "yes_no" else "does not take choices"
        reader.problem(
            question.key_line("choices"),
            f"{capital(where)} is a {qtype} question, which {reason}: remove 'choices'",
        )
    if qtype == "repeating_group" and "fields" not in question.values:
        reader.problem(
            question.line,
            f"{capital(where)} is a repeating_group, so it needs fields: the questions for each item",
        )
    elif "fields" in question.values and qtype != "repeating_group":
        reader.problem(
            question.key_line("fields"),
            f"{capital(where)} is a {qtype} question: only repeating_group questions have fields",
        )
    if (
        "require_one_of_sectors_message" in question.values
        and "require_one_of_sectors" not in question.values
    ):
        reader.problem(
            question.key_line("require_one_of_sectors_message"),
            f"{capital(where)} has a require_one_of_sectors_message but no require_one_of_sectors",
        )
    for key, types in KEY_TYPES.items():
        if key in question.values and qtype not in types:
            reader.problem(
                question.key_line(key),
                f"'{key}' does not apply to {where}, a {qtype} question. It is for: {', '.join(types)}",
            )


def sectors_known(reader: Reader, sectors: list[tuple[str, yaml.Node]], key: str, where: str) -> None:
    for value, node in sectors:
        if value not in SECTORS:
            reader.problem(
                node, f"Unknown sector '{value}' in {key} of {where}. Use one of: {', '.join(SECTORS)}"
            )


def validation_fits(reader: Reader, rules: Mapping, values: dict[str, Any], qtype: str, where: str) -> None:
    """Each rule fits the type; minimums are not above maximums; a pattern compiles and has its message."""
    allowed = RULES.get(qtype, ())
    for key in rules.values:
        if key not in allowed:
            fits = f"Rules for {qtype}: {', '.join(allowed)}" if allowed else f"{qtype} questions take none"
            reader.problem(
                rules.key_line(key),
                f"The validation rule '{key}' does not apply to {where}, a {qtype} question. {fits}",
            )
    pairs = (*LIMIT_PAIRS, ("not_before", "not_after"))
    for low_key, high_key in pairs:
        low, high = values.get(low_key), values.get(high_key)
        if low is None or high is None or "today" in (low, high):
            continue
        if low > high:
            reader.problem(
                rules.key_line(low_key),
                f"{low_key} ({low}) is {'later' if low_key == 'not_before' else 'greater'} than {high_key} "
                f"({high}) in the validation of {where}",
            )
    pattern = values.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            reader.problem(
                rules.key_line("pattern"),
                f"The pattern of {where} is not a valid regular expression: {error}",
            )
        if values.get("pattern_message") is None and "pattern_message" not in rules.values:
            reader.problem(
                rules.key_line("pattern"),
                f"The pattern of {where} has no pattern_message: add the message to show when an answer "
                "does not match, like 'Enter an email address in the correct format, like name@example.com'",
            )
    elif "pattern_message" in rules.values and "pattern" not in rules.values:
        reader.problem(
            rules.key_line("pattern_message"), f"{capital(where)} has a pattern_message but no pattern"
        )


def role_fits(
    reader: Reader,
    question: Mapping,
    role: str,
    qtype: str | None,
    choices: tuple[Choice, ...],
    facet: str | None,
    where: str,
    group: str | None,
) -> bool:
    """A known role, on a question outside a repeating group that can hold it: its type, facet and choices."""
    line = question.key_line("role")
    known = ROLES.get(role)
    if known is None:
        reader.problem(
            line, f"Unknown role '{role}' in {where}.{suggest(role, list(ROLES), 'The roles are')}"
        )
        return False
    if group is not None:
        reader.problem(
            line, f"{capital(where)} is a field of repeating group '{group}', so it cannot have a role"
        )
        return False
    fits = True
    if qtype is not None and qtype not in known.types:
        reader.problem(
            line,
            f"Role '{role}' ({known.what}) needs a {' or '.join(known.types)} question, "
            f"and {where} is {qtype}",
        )
        fits = False
    if known.facet and facet != role:
        reader.problem(
            line,
            f"{capital(where)} has role '{role}', so it must be the facet '{role}' (add 'facet: {role}'): "
            "the database's filters and figures read it by that name",
        )
        fits = False
    values = tuple(choice.value for choice in choices)
    if known.choices and qtype is not None and sorted(values) != sorted(known.choices):
        reader.problem(
            line,
            f"{capital(where)} has role '{role}', so its choices must be exactly "
            f"{', '.join(known.choices)}, not {', '.join(values) or 'none'}",
        )
        fits = False
    return fits


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
