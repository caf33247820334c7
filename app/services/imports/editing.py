"""Changing a mapping in the browser instead of writing YAML: every column of the file with some of its values
and the question it answers (or none), and for every choice question mapped, each distinct value the file
holds with the choice it means (or none: kept as given). The edited mapping is written back as YAML, the same
a person could write for `flask import responses --mapping`.

Pure: nothing here touches the database. Posted values are checked against the file and the questionnaire;
anything else (a column the file does not have, a question or choice that does not exist) is refused with a
message, and nothing is changed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping as ReadOnly
from dataclasses import dataclass, field
from typing import Any

import yaml

from app.questionnaires.schema import Question, Questionnaire
from app.services.errors import DomainError
from app.services.imports import values
from app.services.imports.binding import bind
from app.services.imports.files import SPREADSHEET, Column, Table
from app.services.imports.mapping import CHOICE_TYPES, MANY_COLUMN_TYPES, ColumnSpec, Mapping, load_mapping
from app.services.imports.proposal import dump, propose, propose_choices, samples, source_labels, to_data

ROW_ID = "row_id"
SERVICES = "services_involved"
LEAVE_OUT = ""  # a column's select: read as no question
KEEP_AS_GIVEN = ""  # a value's select: no choice, the value is kept as typed
SHOWN_VALUES = 40  # distinct values of a choice question shown, the most frequent first
SCANNED_ROWS = 2000  # rows read for the distinct values
SERVICE_CHOICES = [
    ("police", "Police"),
    ("fire", "Fire and rescue"),
    ("ambulance", "Ambulance"),
    ("other", "Other"),
]
COLUMN_FIELD = re.compile(r"column-(\S{1,40})")
CHOICE_FIELD = re.compile(r"choice-(\S{1,120})-(\S{1,40})")
OUT_OF_DATE = (
    "Nothing was changed: this page no longer matches the file. Go back to the check page and try again"
)


class MappingEditRefused(DomainError):
    """What is wrong with an edited mapping, by the name of the form field it is about ("" for the form)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass
class ColumnEntry:
    index: int
    title: str
    samples: list[str]
    target: str  # a question id, ROW_ID, SERVICES or LEAVE_OUT

    @property
    def field(self) -> str:
        return f"column-{self.index}"


@dataclass
class ValueEntry:
    label: str  # as in the file
    count: int  # in the rows read
    choice: str  # the choice's value, or KEEP_AS_GIVEN


@dataclass
class ChoiceSection:
    """A choice question mapped to a column, and what each distinct value of the column means."""

    target: str  # the question's id, or SERVICES
    title: str
    columns: str
    options: list[tuple[str, str]]  # (value, label)
    values: list[ValueEntry]
    exact: list[str]  # values that are a choice's own label, read as it without asking
    hidden: int = 0  # distinct values not shown (the least frequent)

    def field(self, number: int) -> str:
        return f"choice-{self.target}-{number}"


@dataclass
class Editable:
    table: Table
    questionnaire: Questionnaire
    mapping: Mapping
    columns: list[ColumnEntry]
    targets: list[tuple[str, str]]  # (value, label) of what a column can be read as
    sections: list[ChoiceSection] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # the YAML's aliases and defaults, kept as they are

    def label(self, target: str) -> str:
        return dict(self.targets).get(target, target)


def editable(
    table: Table, mapping_text: str, questionnaire: Questionnaire, *, organisation_names: Iterable[str]
) -> Editable:
    """The mapping page's content for a file and its current mapping (proposed when there is none). Parts of
    a mapping that no longer fit the file are shown as left out."""
    extras: dict[str, Any] = {}
    if mapping_text.strip():
        mapping = load_mapping(
            mapping_text, questionnaire, organisation_names=organisation_names, mode="records"
        )
        mapping.layout = table.layout
        bind(mapping, table.columns)
        try:
            parsed = yaml.safe_load(mapping_text)
        except yaml.YAMLError:
            parsed = None
        if isinstance(parsed, dict):
            extras = {k: parsed[k] for k in ("organisation_aliases", "defaults") if k in parsed}
    else:
        mapping = propose(table, questionnaire)
    targets = _targets(questionnaire)
    assigned = _assigned(mapping)
    examples = samples(table)
    columns = [
        ColumnEntry(c.index, c.title, examples.get(c.index, []), assigned.get(c.index, LEAVE_OUT))
        for c in table.columns
    ]
    result = Editable(table, questionnaire, mapping, columns, targets, extras=extras)
    result.sections = _sections(result)
    return result


def _targets(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    found = [(ROW_ID, "Row id (to import each response once)")]
    found += [(q.id, q.short_label) for q in questionnaire.questions if q.type != "repeating_group"]
    return [*found, (SERVICES, "Services involved (the service types ticked)")]


def _specs(mapping: Mapping) -> list[tuple[str, ColumnSpec]]:
    specs = [(ROW_ID, mapping.row_id)] if mapping.row_id else []
    specs += list(mapping.questions.items())
    return specs + ([(SERVICES, mapping.services)] if mapping.services else [])


def _assigned(mapping: Mapping) -> dict[int, str]:
    """What each column is read as. A column read for two questions (a question's "Other (please specify)"
    option, ticked and described) shows the one that names its option."""
    found: dict[int, str] = {}
    for named_option in (False, True):
        for target, spec in _specs(mapping):
            if (spec.option is not None) == named_option:
                found.update({column.index: target for column in spec.columns})
    return found


def _options(question: Question | None) -> list[tuple[str, str]]:
    if question is None:
        return list(SERVICE_CHOICES)
    if question.type == "yes_no" and not question.choices:
        return [("yes", "Yes"), ("no", "No")]
    return [(choice.value, choice.label) for choice in question.choices]


def _choice_specs(mapping: Mapping) -> list[tuple[str, ColumnSpec]]:
    return [
        (target, spec)
        for target, spec in _specs(mapping)
        if spec.columns and (target == SERVICES or (spec.question and spec.question.type in CHOICE_TYPES))
    ]


def _sections(edit: Editable) -> list[ChoiceSection]:
    specs = _choice_specs(edit.mapping)
    counts: dict[str, Counter[str]] = {target: Counter() for target, _ in specs}
    shown: dict[str, dict[str, str]] = {target: {} for target, _ in specs}  # normal -> label as first seen
    for number, (_row, cells) in enumerate(edit.table.rows()):
        if number >= SCANNED_ROWS:
            break
        for target, spec in specs:
            for label in source_labels(spec, cells, edit.table.layout):
                key = values.normal(label)
                counts[target][key] += 1
                shown[target].setdefault(key, label)
    sections = []
    for target, spec in specs:
        for column in spec.columns if len(spec.columns) > 1 else ():
            shown[target].setdefault(values.normal(column.option), column.option)
        own = values.choice_labels(spec.question) if spec.question else {}
        keys = sorted(shown[target], key=lambda key: (-counts[target][key], key))
        asked = [key for key in keys if key not in own]
        sections.append(
            ChoiceSection(
                target=target,
                title=edit.label(target),
                columns="; ".join(dict.fromkeys(c.question for c in spec.columns)),
                options=_options(spec.question),
                values=[
                    ValueEntry(shown[target][key], counts[target][key], spec.choices.get(key, KEEP_AS_GIVEN))
                    for key in asked[:SHOWN_VALUES]
                ],
                exact=[shown[target][key] for key in keys if key in own],
                hidden=max(0, len(asked) - SHOWN_VALUES),
            )
        )
    return sections


def edit(edit: Editable, posted: ReadOnly[str, str], *, organisation_names: Iterable[str]) -> str:
    """The mapping as YAML, changed as posted from the mapping page; MappingEditRefused, saying why, for
    anything that does not fit the file or the questionnaire. A choice question whose column changed gets
    the choices proposed for its new column; choices of a question no longer mapped are dropped."""
    errors: dict[str, str] = {}
    first = edit.columns[0].field if edit.columns else ""
    assignment = _assignment(edit, posted, errors, first)
    chosen = _posted_choices(edit, posted, errors, first)
    if errors:
        raise MappingEditRefused(errors)
    mapping = _mapping(edit, assignment, errors, first)
    if errors:
        raise MappingEditRefused(errors)
    _choices(edit, mapping, chosen)
    data = {**to_data(mapping), **edit.extras}
    text = dump(data)
    check = load_mapping(text, edit.questionnaire, organisation_names=organisation_names, mode="records")
    check.layout = edit.table.layout
    bind(check, edit.table.columns)
    if check.problems:
        raise MappingEditRefused({first: f"Nothing was changed: {check.problems[0].message}"})
    return text


def _assignment(
    edit: Editable, posted: ReadOnly[str, str], errors: dict[str, str], first: str
) -> dict[int, str]:
    by_index = {column.index: column for column in edit.columns}
    targets = dict(edit.targets)
    assignment = {column.index: column.target for column in edit.columns}
    for key, value in posted.items():
        match = COLUMN_FIELD.fullmatch(key)
        if match is None:
            continue
        number = match.group(1)
        column = by_index.get(int(number)) if number.isdigit() and number.isascii() else None
        if column is None:
            errors.setdefault(first, f"The file has no column {number[:20]}. {OUT_OF_DATE}")
        elif value != LEAVE_OUT and value not in targets:
            errors[key] = f"Choose the question that column '{column.title}' answers from the list"
        else:
            assignment[column.index] = value
    return assignment


def _posted_choices(
    edit: Editable, posted: ReadOnly[str, str], errors: dict[str, str], first: str
) -> dict[str, dict[str, str]]:
    """target -> normal(value in the file) -> choice (or KEEP_AS_GIVEN), as posted."""
    sections = {section.target: section for section in edit.sections}
    chosen: dict[str, dict[str, str]] = {}
    for key, value in posted.items():
        match = CHOICE_FIELD.fullmatch(key)
        if match is None:
            continue
        section, given = sections.get(match.group(1)), match.group(2)
        number = int(given) if given.isdigit() and given.isascii() else -1
        if section is None or not 0 <= number < len(section.values):
            errors.setdefault(
                first, f"'{match.group(1)[:40]}' is not a choice question of this mapping. {OUT_OF_DATE}"
            )
            continue
        entry = section.values[number]
        if value != KEEP_AS_GIVEN and value not in dict(section.options):
            errors[key] = f"Choose what '{entry.label[:80]}' means for {section.title} from the list"
            continue
        chosen.setdefault(section.target, {})[values.normal(entry.label)] = value
    return chosen


def _mapping(edit: Editable, assignment: dict[int, str], errors: dict[str, str], first: str) -> Mapping:
    """A mapping from what each column is read as, in the questionnaire's order."""
    table, questionnaire = edit.table, edit.questionnaire
    headers: dict[str, list[Column]] = {}
    for column in table.columns:
        headers.setdefault(values.normal(column.question), []).append(column)
    groups: dict[str, list[Column]] = {}
    for column in table.columns:
        if assignment.get(column.index):
            groups.setdefault(assignment[column.index], []).append(column)
    mapping = Mapping(layout=table.layout, source=edit.mapping.source)
    for target, columns in sorted(groups.items(), key=lambda item: _order(edit, item[0])):
        label, head = edit.label(target), columns[0]
        question = questionnaire.question(target) if target not in (ROW_ID, SERVICES) else None
        many = target == SERVICES or (question is not None and question.type in MANY_COLUMN_TYPES)
        others = [
            c for c in columns[1:] if values.normal(c.question) != values.normal(head.question) or not many
        ]
        for column in others:
            errors[f"column-{column.index}"] = (
                f"{label} is already read from column '{head.title}': choose one column for each question, "
                "or leave this one out"
            )
        if others:
            continue
        whole = headers[values.normal(head.question)]
        option, read = None, tuple(whole)
        if table.layout == SPREADSHEET and len(whole) > 1 and head is not whole[0]:
            errors[f"column-{head.index}"] = (
                f"Two columns are headed '{head.question}': only the first can be read. Rename the other in "
                "the file, or leave this one out"
            )
            continue
        if table.layout != SPREADSHEET and len(columns) == 1 and len(whole) > 1:
            option, read = head.option, (head,)
        elif len(columns) < len(whole):
            left = [c for c in whole if not assignment.get(c.index)]
            if left:
                errors[f"column-{left[0].index}"] = (
                    f"The columns of '{head.question}' are read together as {label}: choose {label} for this "
                    "one too, or choose one column only"
                )
                continue
        spec = ColumnSpec(head.question, 0, option=option, columns=read, question=question)
        if target == ROW_ID:
            mapping.row_id = spec
        elif target == SERVICES:
            mapping.services = spec
        else:
            mapping.questions[target] = spec
    lead = questionnaire.with_role("lead_organisation")
    mapping.lead_question = lead
    if lead is not None and lead.id not in groups:
        errors.setdefault(
            first,
            f"Choose the column that answers {lead.short_label}: it names each project's lead organisation",
        )
    return mapping


def _order(edit: Editable, target: str) -> int:
    return next((number for number, (value, _label) in enumerate(edit.targets) if value == target), 0)


def _choices(edit: Editable, mapping: Mapping, chosen: dict[str, dict[str, str]]) -> None:
    """Each choice question keeps its choices (as posted) while its columns stay the same; a question given a
    new column has choices proposed for it, as for a new file."""
    before = dict(_choice_specs(edit.mapping))
    fresh = Mapping(layout=mapping.layout)
    for target, spec in _choice_specs(mapping):
        old = before.get(target)
        if old is None or [c.index for c in old.columns] != [c.index for c in spec.columns]:
            if target == SERVICES:
                fresh.services = spec
            else:
                fresh.questions[target] = spec
            continue
        choices = dict(old.choices)
        for key, value in chosen.get(target, {}).items():
            if value == KEEP_AS_GIVEN:
                choices.pop(key, None)
            else:
                choices[key] = value
        spec.choices = choices
    if fresh.questions or fresh.services:
        propose_choices(edit.table, fresh, SCANNED_ROWS)
