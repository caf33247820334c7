"""A lead's valid answers to every page of the default questionnaire, as a browser would post them."""

from __future__ import annotations

from tests.conftest import submit_form


def valid_posts(*, lead_id: int, partner_id: int) -> dict[str, dict]:
    return {
        "project_name": {"project_name": "Kent and Medway co-responding"},
        "project_summary": {"summary": "Firefighters respond to cardiac arrests alongside paramedics."},
        "lead_organisation": {"lead_organisation": str(lead_id)},
        "partners": {"partners": [str(partner_id)]},
        "other_partners": {"other_partners": "Kent County Council"},
        "themes": {"themes": ["co_responding", "other"], "other_theme": "Community first responders"},
        "geography": {"geography": "force_area"},
        "stage": {"stage": "implemented"},
        "dates": {"start_date-month": "4", "start_date-year": "2024"},
        "pilot": {"pilot": "no"},
        "cost": {"cost": "£125,000"},
        "funding": {"funding": ["partner_budgets"]},
        "savings": {"cashable_savings": "40000", "non_cashable_savings": "Fewer hospital admissions"},
        "benefits": {"benefits": ["efficiency", "public_safety"]},
        "benefits_evidence": {"benefits_evidence": "Response times to cardiac arrests fell by two minutes."},
        "evaluation": {"has_evaluation": "yes"},
        "evaluation_findings": {
            "evaluation_findings": "The university evaluation found better survival rates."
        },
        "enablers": {"enablers": ["leadership"]},
        "enablers_details": {"enablers_details": "Chief officers backed it from the start."},
        "barriers": {"barriers": ["funding"]},
        "barriers_details": {"barriers_details": ""},
        "lessons_learnt": {"lessons_learnt": "Agree data sharing before the first shift."},
        "contact": {
            "contact_name": "Priya Lead",
            "contact_job_title": "Collaboration manager",
            "contact_email": "priya@example.org",
            "contact_phone": "01234 567890",
        },
        "sharing": {"sharing": "public"},
    }


def fill_every_page(client, submission_id: int, posts: dict[str, dict]) -> None:
    for page_id, data in posts.items():
        url = f"/projects/{submission_id}/{page_id}"
        response = submit_form(client, url, data)
        assert response.status_code == 302, f"{page_id}: {response.status_code} {_errors(response)}"


def _errors(response) -> list[str]:
    import re

    return re.findall(r'govuk-error-message">\s*<span[^>]*>Error:</span>\s*(.*?)\s*</p>', response.text, re.S)
