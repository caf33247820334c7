"""What the virtual leads post: valid answers for each page of the default questionnaire, and the pages
the measured cycle walks through.

The answers mirror what a browser posts (tests/journey.py holds the same for the test suite; the benchmark
keeps its own copy so that it does not import test code). Free-text answers carry the cycle number, so that
every save really changes what is stored.
"""

from __future__ import annotations

# Every page of the default questionnaire (collaboration-2026.1) whose "Save and continue" leads to another
# page of the same section: a cycle is GET the page, POST it, GET the page the redirect names. Each virtual
# lead walks this list round and round, starting at a different place.
CYCLE_PAGES = (
    "project_name",
    "lead_organisation",
    "partners",
    "themes",
    "stage",
    "dates",
    "cost",
    "funding",
    "benefits",
    "benefits_evidence",
    "evaluation",
    "enablers",
    "enablers_details",
    "barriers",
    "barriers_details",
    "contact",
)

# In questionnaire order: set-up fills in the pages the cycle does not touch.
ALL_PAGES = (
    "project_name",
    "project_summary",
    "lead_organisation",
    "partners",
    "other_partners",
    "themes",
    "geography",
    "stage",
    "dates",
    "pilot",
    "cost",
    "funding",
    "savings",
    "benefits",
    "benefits_evidence",
    "evaluation",
    "evaluation_findings",
    "enablers",
    "enablers_details",
    "barriers",
    "barriers_details",
    "lessons_learnt",
    "contact",
    "sharing",
)


def page_answers(page_id: str, *, lead_id: int, partner_id: int, n: int = 0) -> dict[str, str | list[str]]:
    """The valid answers a lead posts on `page_id`; `n` (the cycle number) varies the free text."""
    edit = f" (edit {n})" if n else ""
    posts: dict[str, dict[str, str | list[str]]] = {
        "project_name": {"project_name": f"Kent and Medway co-responding{edit}"},
        "project_summary": {"summary": "Firefighters respond to cardiac arrests alongside paramedics."},
        "lead_organisation": {"lead_organisation": str(lead_id)},
        "partners": {"partners": [str(partner_id)]},
        "other_partners": {"other_partners": "Kent County Council"},
        "themes": {"themes": ["co_responding", "other"], "other_theme": f"Community first responders{edit}"},
        "geography": {"geography": "force_area"},
        "stage": {"stage": "implemented"},
        "dates": {"start_date-month": str(1 + n % 12), "start_date-year": "2024"},
        "pilot": {"pilot": "no"},
        "cost": {"cost": f"£{125_000 + n:,}"},
        "funding": {"funding": ["partner_budgets"]},
        "savings": {"cashable_savings": "40000", "non_cashable_savings": "Fewer hospital admissions"},
        "benefits": {"benefits": ["efficiency", "public_safety"]},
        "benefits_evidence": {
            "benefits_evidence": f"Response times to cardiac arrests fell by two minutes.{edit}"
        },
        "evaluation": {"has_evaluation": "yes"},
        "evaluation_findings": {
            "evaluation_findings": "The university evaluation found better survival rates."
        },
        "enablers": {"enablers": ["leadership"]},
        "enablers_details": {"enablers_details": f"Chief officers backed it from the start.{edit}"},
        "barriers": {"barriers": ["funding"]},
        "barriers_details": {"barriers_details": f"Budgets are set a year at a time.{edit}"},
        "lessons_learnt": {"lessons_learnt": "Agree data sharing before the first shift."},
        "contact": {
            "contact_name": "Priya Lead",
            "contact_job_title": f"Collaboration manager{edit}",
            "contact_email": "priya@example.org",
            "contact_phone": "01234 567890",
        },
        "sharing": {"sharing": "public"},
    }
    return {**posts[page_id], "save_continue": "1"}
