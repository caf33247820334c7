"""What each viewer may see of the collaboration database: the one place that decides it.

Every output of Find reads its rules from here: the search page and its snippets and counts, a record's page,
an organisation's page, the API, every download (CSV, JSON, XLSX and the data dictionary), the figures and
the overview report (on screen and as PDF).

| viewer                                     | reads records shared | contact details | counted in figures |
| ------------------------------------------ | -------------------- | --------------- | ------------------ |
| anyone, on a public instance               | public               | no              | every record       |
| signed in: lead, partner, reviewer, admin  | public, sector       | yes             | every record       |

Roles make no difference within Find: a lead reads their own organisation's projects (figures-only ones too)
in "Your collaboration projects", a partner the projects it confirmed, a reviewer and an administrator every
submission in the review queue; the collaboration database shows none of them a project whose owners chose
"figures only", as the questionnaire promises ("The project is not shown in the database").

Figures count every approved project, but:
- free-text search only ever matches the text of records the viewer may read, so words never select a
  figures-only project (or, for someone not signed in, a sector-only one);
- no figure computed from fewer than SMALL_COUNT projects is shown when any of them is counted only (not
  readable by the viewer): "fewer than 3" stands in its place (app/services/find/figures.py). Facet filters
  follow the same rule: they select whatever records they select, and the small counts are withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.questionnaires.roles import PERSONAL_ROLES
from app.questionnaires.schema import Question, Questionnaire

PUBLIC, SECTOR, FIGURES_ONLY = "public", "sector", "figures_only"
SMALL_COUNT = 3  # the statistical disclosure threshold: figures from fewer projects are withheld


@dataclass(frozen=True)
class Viewer:
    """What one viewer may see: the sharing choices of the records they may read in full, and whether they
    may see contact details (name, job title, email and telephone number)."""

    readable: tuple[str, ...]
    contacts: bool

    @property
    def counted(self) -> tuple[str, ...]:
        """The records counted in this viewer's figures: all approved records."""
        return (*self.readable, *(s for s in (PUBLIC, SECTOR, FIGURES_ONLY) if s not in self.readable))

    def reads(self, sharing: str | None) -> bool:
        return sharing in self.readable

    def shows_question(self, question: Question, questionnaire: Questionnaire) -> bool:
        return self.contacts or not is_contact_question(question, questionnaire)

    def shown_answers(self, questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers this viewer may see, in the stored order."""
        if self.contacts:
            return dict(answers)
        hidden = contact_question_ids(questionnaire)
        return {key: value for key, value in answers.items() if key not in hidden}


ANONYMOUS = Viewer(readable=(PUBLIC,), contacts=False)
SIGNED_IN = Viewer(readable=(PUBLIC, SECTOR), contacts=True)


VIEWER_KINDS = {"signed_in": SIGNED_IN, "anonymous": ANONYMOUS}


def viewer_kind(of: Viewer) -> str:
    """The viewer's name, for a download made later by the worker for the same viewer."""
    return next(name for name, known in VIEWER_KINDS.items() if known == of)


def viewer_of_kind(kind: str) -> Viewer:
    """The viewer of that name; an unknown name is the most restricted viewer."""
    return VIEWER_KINDS.get(kind, ANONYMOUS)


def viewer(*, signed_in: bool) -> Viewer:
    """The viewer of Find: someone signed in (whatever their role), or anyone on a public instance (the page
    guards turn everyone else away)."""
    return SIGNED_IN if signed_in else ANONYMOUS


def contact_question_ids(questionnaire: Questionnaire) -> frozenset[str]:
    """The questions that hold a person's contact details: those whose role is personal
    (app/questionnaires/roles.py)."""
    return frozenset(q.id for q in questionnaire.questions if q.role in PERSONAL_ROLES)


def is_contact_question(question: Question, questionnaire: Questionnaire) -> bool:
    return question.id in contact_question_ids(questionnaire)
