"""A mapping proposed from a file's own header rows, so that nobody has to write one: each column's question
found from its label, each choice found from the labels people ticked, and the SurveyMonkey columns that are
not answers (collector, IP address...) left out. The proposal is a Mapping like one read from YAML, and can be
written out as YAML for the command line (`to_yaml`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import yaml
from rapidfuzz import fuzz, utils

from app.questionnaires.schema import Question, Questionnaire
from app.services.imports import values
from app.services.imports.files import SPREADSHEET, Column, Table
from app.services.imports.mapping import CHOICE_TYPES, ColumnSpec, Mapping

QUESTION_CUTOFF = 72  # rapidfuzz 0..100 between a column's label and a question's
CHOICE_CUTOFF = 80
SAMPLES = 5
ROW_ID_HEADERS = ("respondent id", "response id", "ref", "reference", "id")
LEFT_OUT_HEADERS = (
    "collector id",
    "start date",
    "end date",
    "ip address",
    "email address",
    "first name",
    "last name",
    "custom data 1",
    "custom data",
)
# Words in a column's label that say which question it answers, tried before any likeness of spelling. Each
# names a role (app/questionnaires/roles.py), or for questions the service reads no role of, a question id.
KEYWORDS: list[tuple[str, str]] = [
    (r"\b(lead|leading)\b.*\borganisation|\borganisation\b.*\blead", "lead_organisation"),
    (r"\bservices?\b.*\binvolved|\binvolved\b.*\bservices?", "services_involved"),
    (r"\bother partners?\b|\bany other partners\b", "other_partners"),
    (
        r"\bname of (the )?(collaboration )?project\b|\bproject name\b|\bproject title\b|^project$",
        "name",
    ),
    (r"\bdescri|\bsummary\b", "summary"),
    (r"\bthemes?\b.*\bother\b.*\bspecify\b", "other_theme"),
    (r"\bthemes?\b", "themes"),
    (r"\bgeograph|\barea (does|covered)", "geography"),
    (r"\bstage\b", "stage"),
    (r"\bstart", "start_date"),
    (r"\bend date\b|\bend\b.*\bdate|\bdate\b.*\bend", "end_date"),
    (r"\bpilot\b", "pilot"),
    (r"\bnon[- ]cashable\b", "non_cashable_savings"),
    (r"\bcashable\b", "cashable_savings"),
    (r"\bcost", "cost"),
    (r"\bfund", "funding"),
    (r"\bevidence\b", "benefits_evidence"),
    (r"\bduty to collaborate\b|\bbenefits?\b", "benefits"),
    (r"\bevaluation (find|found)|\bwhat did the evaluation\b|\bevaluation findings\b", "evaluation_findings"),
    (r"\bevaluated\b", "has_evaluation"),
    (r"\bhelped\b|\benablers?\b", "enablers"),
    (r"\bbarriers?\b|\bgot in the way\b", "barriers"),
    (r"\blessons?\b", "lessons_learnt"),
    (r"\bshar(e|ing)\b.*\bdatabase\b|\bwho can see\b|\bsharing\b", "sharing"),
    (r"\bcontact\b.*\bname\b|^name$|^contact name$", "contact_name"),
    (r"\bjob title\b", "contact_job_title"),
    (r"\bemail\b", "contact_email"),
    (r"\bphone\b|\btelephone\b", "contact_phone"),
]
CONTACT_OPTIONS = {
    "name": "contact_name",
    "job title": "contact_job_title",
    "email address": "contact_email",
    "email": "contact_email",
    "phone number": "contact_phone",
    "phone": "contact_phone",
    "telephone": "contact_phone",
}
# Words in a choice's label that say which choice it is, for labels unlike the questionnaire's own.
CHOICE_WORDS: dict[str, list[tuple[str, str]]] = {
    "stage": [
        (r"\bproposal\b|\bidea\b", "idea"),
        (r"\bplanning\b", "planning"),
        (r"\bbeing (implemented|set up)\b|\bin progress\b", "being_set_up"),
        (r"\bfully implemented\b|\bbusiness as usual\b|\bup and running\b", "implemented"),
        (r"\bclosed\b|\bcompleted\b|\bended\b|\bfinished\b", "ended"),
    ],
    "sharing": [
        (r"\bfigures\b|^no\b", "figures_only"),
        (r"\bonly for the emergency services\b|\bsector\b", "sector"),
        (r"\banyone\b|\bpublic\b", "public"),
    ],
}
SERVICE_WORDS = {"police": "police", "fire": "fire", "ambulance": "ambulance"}


def propose(table: Table, questionnaire: Questionnaire, *, sample_rows: int = 500) -> Mapping:
    """A mapping for this file, proposed from its labels and (for choices) the values in its first rows."""
    mapping = Mapping(layout=table.layout)
    used: set[str] = set()
    groups: dict[str, list[Column]] = {}
    for column in table.columns:
        groups.setdefault(column.question, []).append(column)
    for header, columns in groups.items():
        key = values.normal(header)
        if key in ROW_ID_HEADERS and mapping.row_id is None:
            mapping.row_id = ColumnSpec(header, 0, columns=(columns[0],))
            continue
        if key in LEFT_OUT_HEADERS:
            continue
        if _contact_block(columns, questionnaire, mapping, used):
            continue
        question_id = _question_for(header, questionnaire, used)
        if question_id is None:
            continue
        spec = ColumnSpec(header, 0, columns=tuple(columns))
        if question_id == "services_involved":
            mapping.services = spec
            used.add(question_id)
            continue
        question = questionnaire.question(question_id)
        assert question is not None
        spec.question = question
        if question.type == "checkboxes" and len(columns) > 1:
            other = [c for c in columns if "specify" in c.option.casefold()]
            other_question = next(
                (q for q in questionnaire.questions if q.show_when and q.show_when.question == question_id),
                None,
            )
            if other and other_question is not None and other_question.id not in used:
                mapping.questions[other_question.id] = ColumnSpec(
                    header, 0, option=other[0].option, columns=(other[0],), question=other_question
                )
                used.add(other_question.id)
                spec.columns = tuple(c for c in columns if c is not other[0])
        mapping.questions[question_id] = spec
        used.add(question_id)
    lead = next((q for q in questionnaire.questions if q.type == "organisation"), None)
    mapping.lead_question = lead
    propose_choices(table, mapping, sample_rows)
    return mapping


def _contact_block(
    columns: list[Column], questionnaire: Questionnaire, mapping: Mapping, used: set[str]
) -> bool:
    """SurveyMonkey's contact question: one question, an option column each for name, job title, email..."""
    if len(columns) < 2:
        return False
    found = {}
    for column in columns:
        role = CONTACT_OPTIONS.get(values.normal(column.option))
        question_id = target(questionnaire, role) if role else None
        if question_id and question_id not in used:
            found[question_id] = column
    if len(found) < 2:
        return False
    for question_id, column in found.items():
        mapping.questions[question_id] = ColumnSpec(
            column.question,
            0,
            option=column.option,
            columns=(column,),
            question=questionnaire.question(question_id),
        )
        used.add(question_id)
    return True


def target(questionnaire: Questionnaire, name: str) -> str | None:
    """The id of the question with this role, or with this id when no question has the role."""
    question = questionnaire.with_role(name) or questionnaire.question(name)
    return question.id if question is not None else None


def _question_for(header: str, questionnaire: Questionnaire, used: set[str]) -> str | None:
    text = values.normal(header)
    for pattern, name in KEYWORDS:
        question_id = name if name == "services_involved" else target(questionnaire, name)
        if question_id is None or question_id in used:
            continue
        if re.search(pattern, text):
            return question_id
    best, best_score = None, 0.0
    for question in questionnaire.questions:
        if question.id in used or question.type == "repeating_group":
            continue
        for label in (question.label, question.short_label):
            score = fuzz.token_set_ratio(header, label, processor=utils.default_process)
            if score > best_score:
                best, best_score = question.id, score
    return best if best_score >= QUESTION_CUTOFF else None


def propose_choices(table: Table, mapping: Mapping, sample_rows: int) -> None:
    """For each choice question, the choice each label seen in the file means, where one clearly does."""
    specs = [s for s in mapping.questions.values() if s.question and s.question.type in CHOICE_TYPES]
    seen: dict[int, Counter[str]] = {id(spec): Counter() for spec in specs}
    if mapping.services is not None:
        seen[id(mapping.services)] = Counter()
        specs = [*specs, mapping.services]
    for count, (_row, cells) in enumerate(table.rows()):
        if count >= sample_rows:
            break
        for spec in specs:
            for label in source_labels(spec, cells, table.layout):
                seen[id(spec)][label] += 1
    for spec in specs:
        labels = list(seen[id(spec)]) + [c.option for c in spec.columns if len(spec.columns) > 1]
        if spec is mapping.services:
            spec.choices = {values.normal(label): v for label in labels if (v := service_of(label))}
            continue
        assert spec.question is not None
        own = values.choice_labels(spec.question)
        for label in labels:
            key = values.normal(label)
            if key in own or key in spec.choices:
                continue
            choice = closest_choice(label, spec.question)
            if choice is not None:
                spec.choices[key] = choice
        spec.choices = {**own, **spec.choices}


def source_labels(spec: ColumnSpec, cells: list[str], layout: str) -> list[str]:
    """The labels a row ticked or chose for this answer: one column per option, or one cell holding them."""
    if len(spec.columns) > 1:
        return [c.option for c in spec.columns if cells[c.index].strip()]
    text = values.clean_text(cells[spec.columns[0].index], one_line=True) if spec.columns else ""
    if not text:
        return []
    question = spec.question
    if question is None or question.type == "checkboxes":
        known = list(spec.choices) + ([values.normal(c.label) for c in question.choices] if question else [])
        return split_ticked(text, known)
    return [text]


def split_ticked(text: str, known: Iterable[str]) -> list[str]:
    """The options ticked in one cell of a condensed export: labels the mapping knows are taken out whole
    (they may hold commas), then the rest is split at commas and semicolons outside brackets."""
    found = []
    rest = text
    for label in sorted({k for k in known if k}, key=len, reverse=True):
        pattern = re.compile(r"(?:^|(?<=[,;]))\s*" + re.escape(label) + r"\s*(?=$|[,;])", re.I)
        hit = pattern.search(rest)
        if hit is not None:
            found.append(hit.group(0).strip())
            rest = pattern.sub("", rest, count=1)
    depth, piece = 0, list[str]()
    for char in rest + ",":
        depth += (char in "([") - (char in ")]")
        if char in ",;" and depth <= 0:
            if "".join(piece).strip():
                found.append("".join(piece).strip())
            piece, depth = [], 0
        else:
            piece.append(char)
    return found


def closest_choice(label: str, question: Question) -> str | None:
    """The choice a label means, by likeness to the choices' labels: only when one is clearly closest."""
    if question.type == "yes_no" and not question.choices:
        return values.YES_NO_WORDS.get(values.normal(label).split(" ")[0].strip(".,"))
    for pattern, value in CHOICE_WORDS.get(question.role or question.id, []):
        if re.search(pattern, values.normal(label)):
            return value
    scored = sorted(
        (
            (fuzz.token_set_ratio(label, choice.label, processor=utils.default_process), choice.value)
            for choice in question.choices
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < CHOICE_CUTOFF:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # two choices as close: not for a machine to decide
    return scored[0][1]


def service_of(label: str) -> str | None:
    text = values.normal(label)
    for word, service in SERVICE_WORDS.items():
        if word in text:
            return service
    return "other" if text else None


def samples(table: Table, limit: int = SAMPLES) -> dict[int, list[str]]:
    """Up to five different values of each column, for a person to see what it holds."""
    found: dict[int, list[str]] = {c.index: [] for c in table.columns}
    open_columns = set(found)
    for _row, cells in table.rows():
        for index in list(open_columns):
            value = values.clean_text(cells[index], one_line=True)
            if value and value not in found[index]:
                found[index].append(value[:120])
                if len(found[index]) >= limit:
                    open_columns.discard(index)
        if not open_columns:
            break
    return found


def to_yaml(mapping: Mapping, *, source: str | None = None) -> str:
    """The mapping as YAML, as `flask import responses --mapping` reads it."""
    return dump(to_data(mapping, source=source))


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def to_data(mapping: Mapping, *, source: str | None = None) -> dict[str, Any]:
    """The mapping as the YAML's data: its format, source, row id, questions and services involved."""
    data: dict[str, Any] = {"format": mapping.layout or SPREADSHEET}
    if source or mapping.source:
        data["source"] = source or mapping.source
    if mapping.row_id is not None:
        data["row_id"] = mapping.row_id.header
    questions: dict[str, Any] = {}
    for question_id, spec in mapping.questions.items():
        questions[question_id] = _spec_yaml(spec)
    data["questions"] = questions
    if mapping.services is not None:
        data["services_involved"] = _spec_yaml(mapping.services, all_choices=True)
    return data


def _spec_yaml(spec: ColumnSpec, *, all_choices: bool = False) -> str | dict[str, Any]:
    own = values.choice_labels(spec.question) if spec.question else {}
    extra = {label: value for label, value in spec.choices.items() if all_choices or own.get(label) != value}
    if spec.option is None and not extra:
        return spec.header
    entry: dict[str, Any] = {"column": spec.header}
    if spec.option is not None:
        entry["option"] = spec.option
    if extra:
        entry["choices"] = extra
    return entry
