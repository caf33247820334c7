"""The columns of every download: the fixed ones, then one per question, each with the heading, description
and kind the data dictionary gives."""

from __future__ import annotations

from dataclasses import dataclass

from app.questionnaires.display import YES_NO_LABELS
from app.questionnaires.schema import Question, Questionnaire
from app.services.find.visibility import contact_question_ids

LIST_SEPARATOR = "; "

KIND_OF_TYPE = {
    "number": "number",
    "money": "money",
    "date": "date",
    "month_year": "month",
    "checkboxes": "list",
    "organisations": "list",
    "repeating_group": "list",
}
KIND_NOTES = {
    "number": "A number.",
    "money": "An amount in pounds, as a number.",
    "date": "A date, written YYYY-MM-DD.",
    "month": "A month, written YYYY-MM.",
    "list": "Can have several answers: in CSV and XLSX they are separated by '; ', in JSON they are a list.",
}


@dataclass(frozen=True)
class Column:
    key: str  # the JSON key; a question's column is keyed by the question's id
    heading: str
    description: str
    kind: str  # text, number, money, date, month or list
    question: Question | None = None


FIXED_COLUMNS = (
    Column("reference", "Reference", "The project's reference, given when it was first submitted.", "text"),
    Column("name", "Project name", "The project's name as published.", "text"),
    Column(
        "lead_organisation_name", "Lead organisation", "The organisation that submitted the project.", "text"
    ),
    Column("lead_organisation_sector", "Lead organisation sector", "The lead organisation's sector.", "text"),
    Column("region", "Region", "The lead organisation's region; blank for national organisations.", "text"),
    Column("round", "Round", "The collection round the project was submitted in.", "text"),
    Column("approved_on", "Approved", "When the project was first approved.", "date"),
    Column("updated_on", "Last updated", "When the published project last changed.", "date"),
    Column("partner_names", "Partners", "The partner organisations named in the project.", "list"),
    Column(
        "shared_with",
        "Shared with",
        "Who can see the project: public (anyone), sector (people who sign in) or figures_only (only counted "
        "in the published figures).",
        "text",
    ),
    Column(
        "imported_from",
        "Imported from",
        "For a project imported from an earlier round's file: the file and its row (the first response after "
        "the headings is row 1).",
        "text",
    ),
    Column(
        "kept_as_given",
        "Answers kept as given",
        "For an imported project: answers that did not fit their question, as typed, after their question.",
        "text",
    ),
)


FIXED_KEYS = tuple(column.key for column in FIXED_COLUMNS)


def columns(questionnaire: Questionnaire, *, contacts: bool = True) -> list[Column]:
    """The fixed columns, then one column per question in the questionnaire's order; without `contacts`, the
    contact details' questions are left out (app/services/find/visibility.py)."""
    result = list(FIXED_COLUMNS)
    hidden = frozenset() if contacts else contact_question_ids(questionnaire)
    keys = {"id", *(column.key for column in result)}
    headings = {column.heading.casefold() for column in result}
    for question in questionnaire.questions:
        if question.id in hidden:
            continue
        # Keys and headings stay unique so that the files load cleanly into other tools.
        key = question.id if question.id not in keys else f"answer_{question.id}"
        heading = question.short_label
        if heading.casefold() in headings:
            heading = f"{heading} (answer)"
        keys.add(key)
        headings.add(heading.casefold())
        kind = KIND_OF_TYPE.get(question.type, "text")
        result.append(Column(key, heading, _describe(question, kind), kind, question))
    return result


def _describe(question: Question, kind: str) -> str:
    parts = [question.label]
    if question.hint:
        parts.append(question.hint)
    labels = [choice.label for choice in question.choices]
    if not labels and question.type == "yes_no":
        labels = list(YES_NO_LABELS.values())
    if labels:
        parts.append("Possible answers: " + LIST_SEPARATOR.join(labels) + ".")
    if kind in KIND_NOTES:
        parts.append(KIND_NOTES[kind])
    return " ".join(part.strip() for part in parts)
