"""The Emails page: an administrator reads what the service has sent, in every state an email can be in."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.extensions import db
from app.services.email import outbox
from tests import factories
from tests.e2e.helpers import assert_accessible, sign_in, visit
from tests.smtp import free_port

SUBJECT = "Your password has been changed"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def summary_value(page: Page, key: str):
    """The value next to `key` in a GOV.UK summary list."""
    return page.locator(f"xpath=//dt[normalize-space()='{key}']/following-sibling::dd[1]")


def queue_email(recipient: str, about) -> None:
    outbox.enqueue(
        recipient,
        SUBJECT,
        "password_changed",
        idempotency_key=f"e2e:{recipient}",
        user=about,
        reset_link="http://127.0.0.1/forgotten-password",
    )
    db.session.commit()


def make_one_email_in_each_state(app, smtp, admin) -> None:
    """The worker's passes, each under the mail settings that leave its email in the state wanted."""
    app.config["MAIL_SERVER"] = ""
    queue_email("not-delivered@example.org", admin)
    assert outbox.send_due().not_delivered == 1

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    queue_email("sent@example.org", admin)
    assert outbox.send_due().sent == 1
    smtp.wait_for(1)

    app.config.update(MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=1)  # nothing listens there
    queue_email("failed@example.org", admin)
    assert outbox.send_due().failed == 1

    queue_email("sending@example.org", admin)
    assert len(outbox.claim_due(limit=10)) == 1  # a worker has it now

    queue_email("waiting@example.org", admin)


def test_the_administrator_reads_emails_in_every_state(app, smtp, page: Page):
    admin = factories.administrator(name="Ada Administrator")
    make_one_email_in_each_state(app, smtp, admin)
    sign_in(page, admin.email, name="Ada Administrator")

    page.get_by_role("link", name="Emails sent by the service").click()
    expect(heading(page)).to_have_text("Emails")
    expect(page.get_by_text("No mail server is configured")).to_have_count(0)
    filters = page.get_by_role("navigation", name="Filter emails by status")
    expect(filters.get_by_role("listitem")).to_have_text(
        ["All (5)", "Waiting to send (1)", "Sending (1)", "Sent (1)", "Failed (1)", "Not delivered (1)"]
    )
    table = page.get_by_role("table", name="All emails, newest first")
    expect(table.get_by_role("row")).to_have_count(6)  # the header and five emails
    for state, label in [
        ("waiting", "Waiting to send"),
        ("sending", "Sending"),
        ("sent", "Sent"),
        ("failed", "Failed"),
        ("not-delivered", "Not delivered"),
    ]:
        row = table.get_by_role("row").filter(has_text=f"{state}@example.org")
        expect(row.get_by_role("cell").last).to_have_text(label)
        expect(row.get_by_role("link", name=SUBJECT)).to_be_visible()
    assert_accessible(page)

    filters.get_by_role("link", name="Failed").click()
    table = page.get_by_role("table", name="Failed, newest first")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(filters.get_by_role("link", name="Failed")).to_have_count(0)  # the current filter is not a link
    assert_accessible(page)

    table.get_by_role("link", name=SUBJECT).click()
    expect(heading(page)).to_have_text(SUBJECT)
    expect(summary_value(page, "To")).to_have_text("failed@example.org")
    expect(summary_value(page, "Status")).to_have_text("Failed")
    expect(summary_value(page, "Sent")).to_have_text("Not sent")
    expect(summary_value(page, "Attempts")).to_have_text("1")
    expect(summary_value(page, "Last error")).to_contain_text("Connection refused")
    body = page.get_by_role("region", name="Plain text body")
    expect(body).to_contain_text("The password for your Emergency services collaboration returns account")
    html = page.frame_locator("iframe[title='The email as HTML']")
    expect(html.get_by_text("has just been changed")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Send this email again").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "The email to failed@example.org will be sent again"
    )
    expect(summary_value(page, "Status")).to_have_text("Waiting to send")
    expect(summary_value(page, "Attempts")).to_have_text("0")
    expect(page.get_by_role("button", name="Send this email again")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Back to emails").click()
    expect(heading(page)).to_have_text("Emails")
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text="sent@example.org")
    row.get_by_role("link", name=SUBJECT).click()
    expect(summary_value(page, "Status")).to_have_text("Sent")
    # "5:39am on Saturday 21 November 2026"
    when = r"(\d{1,2}(:\d\d)?(am|pm)|midday|midnight) on \w+day \d{1,2} \w+ \d{4}"
    expect(summary_value(page, "Sent")).to_have_text(re.compile(when))
    expect(summary_value(page, "Last error")).to_have_text("None")
    assert_accessible(page)


def test_an_email_that_does_not_exist_is_not_found(app, page: Page):
    admin = factories.administrator()
    sign_in(page, admin.email)
    visit(page, "/admin/emails/999999", status=404)
    expect(heading(page)).to_have_text("Page not found")
