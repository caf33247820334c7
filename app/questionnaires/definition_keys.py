"""The keys each part of a questionnaire definition must have (the first of each pair) and may have."""

from __future__ import annotations

import re
from dataclasses import fields

from app.questionnaires.schema import Validation

QUESTIONNAIRE_KEYS = ("id", "version", "title", "declaration", "sections")
QUESTIONNAIRE_OPTIONAL = ("rules",)
RULE_KEYS, RULE_OPTIONAL = (
    ("id", "question", "message"),
    ("not_before", "not_after", "forbid", "require", "when"),
)
SECTION_KEYS, SECTION_OPTIONAL = ("id", "title", "pages"), ("after",)
PAGE_KEYS, PAGE_OPTIONAL = ("id", "title", "questions"), ("intro", "show_when")
QUESTION_KEYS = ("id", "type", "label")
QUESTION_OPTIONAL = (
    "short_label",
    "hint",
    "required",
    "required_message",
    "choices",
    "validation",
    "show_when",
    "facet",
    "searchable",
    "fields",
    "item_name",
    "sectors",
    "require_one_of_sectors",
    "require_one_of_sectors_message",
    "own_organisation",
    "role",
)
CHOICE_KEYS, CHOICE_OPTIONAL = ("value", "label"), ("hint", "exclusive")
CONDITION_KEYS = ("question", "is")
VALIDATION_KEYS = tuple(f.name for f in fields(Validation))
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
