"""Field helpers shared by the fixed forms."""

from __future__ import annotations

from wtforms.validators import Email, InputRequired, Length


def strip(value):
    return value.strip() if isinstance(value, str) else value


def email_validators(what: str = "your email address") -> list:
    return [
        InputRequired(message=f"Enter {what}"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email(
            message="Enter an email address in the correct format, like name@example.com",
            check_deliverability=False,
        ),
    ]


def error_summary(form) -> dict:
    """The GOV.UK error summary for a form: each message once, linked to its first field."""
    from govuk_frontend_wtf.main import wtforms_errors
    from govuk_frontend_wtf.wtforms_widgets import GovDateInput

    params = wtforms_errors(form)
    # A date's error links to its day input, the first of its three boxes.
    dates = {f"#{field.id}" for field in form if isinstance(field.widget, GovDateInput)}
    for item in params["errorList"]:
        if item["href"] in dates:
            item["href"] += "-day"
    seen: set[str] = set()
    unique = []
    for item in params["errorList"]:
        if item["text"] not in seen:
            seen.add(item["text"])
            unique.append(item)
    params["errorList"] = unique
    return params
