"""No reviewer decides on a submission that names their organisation in any role; reviewers see plainly which
partners have not confirmed, and that is recorded with the decision."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role, Submission, SubmissionStatus
from app.services.errors import NotAllowed
from app.services.review import decisions as reviews
from tests import factories
from tests.conftest import sign_in, submit_form
from tests.integration import test_review

world = test_review.world  # Kent Police's project naming Kent Fire and Rescue Service as its partner


@pytest.fixture
def partner_reviewer(world):
    return factories.user(
        Role.REVIEWER, email="fern@example.org", name="Fern Fire", organisation_=world["fire"]
    )


def test_a_reviewer_from_a_partner_organisation_cannot_decide(client, world, partner_reviewer):
    item = world["submission"]
    for decide in (
        lambda: reviews.approve(item, by=partner_reviewer, expected_version=item.edit_version),
        lambda: reviews.reject(item, by=partner_reviewer, expected_version=item.edit_version, reason="No"),
        lambda: reviews.claim(item, by=partner_reviewer, expected_version=item.edit_version),
    ):
        with pytest.raises(NotAllowed, match="names your organisation"):
            decide()
        db.session.rollback()

    sign_in(client, partner_reviewer.email, factories.PASSWORD)
    page = client.get(f"/review/{item.id}").text
    assert "This submission names your organisation as its lead or as a partner" in page
    assert f'href="/review/{item.id}/approve' not in page
    response = submit_form(
        client, f"/review/{item.id}/approve", {"expected_version": str(item.edit_version)}, form_url="/review"
    )
    assert response.status_code == 302
    assert "You cannot decide on this submission" in client.get(response.headers["Location"]).text
    db.session.expire_all()
    assert db.session.get(Submission, item.id).status == SubmissionStatus.SUBMITTED


def test_an_administrator_cannot_assign_a_reviewer_from_a_partner(world, partner_reviewer):
    item = world["submission"]
    admin = factories.administrator()
    with pytest.raises(NotAllowed, match="names their organisation"):
        reviews.assign(item, partner_reviewer, by=admin, expected_version=item.edit_version)


def test_unconfirmed_partners_are_shown_and_recorded_with_the_decision(client, world):
    item = world["submission"]
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    warning = "1 partner has not yet confirmed its part in this project: Kent Fire and Rescue Service"
    assert warning in client.get(f"/review/{item.id}").text
    assert warning in client.get(f"/review/{item.id}/approve?v={item.edit_version}").text

    response = submit_form(
        client,
        f"/review/{item.id}/approve",
        {"expected_version": str(item.edit_version)},
        form_url=f"/review/{item.id}/approve?v={item.edit_version}",
    )

    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).filter_by(action="review.approved"))
    assert event.details["partners_not_confirmed"] == "Kent Fire and Rescue Service"
