"""NUL (which PostgreSQL refuses in text) and lone surrogates, in any form field, query parameter or URL part:
removed at the boundary the same way everywhere, the person told, and never a 500. Runs on both databases."""

from __future__ import annotations

import urllib.parse

import pytest
from sqlalchemy import select

from app.boundary import REMOVED_MESSAGE
from app.extensions import db
from app.models import OutboundEmail, Submission, SubmissionStatus, User
from tests import factories
from tests.conftest import csrf_token, sign_in, submit_form
from tests.integration import test_review
from tests.journey import fill_every_page, valid_posts

FORM = "application/x-www-form-urlencoded"
world = test_review.world  # a submitted project, its leads and reviewers


def post_raw(client, url: str, fields: dict):
    """Posted with lone surrogates encoded as the invalid UTF-8 a hostile client could send."""
    body = urllib.parse.urlencode(fields, doseq=True, encoding="utf-8", errors="surrogatepass")
    return client.post(url, data=body, content_type=FORM)


def test_a_lead_saves_and_submits_answers_typed_with_nul_characters(client, world):
    police = world["police"]
    sign_in(client, "priya@example.org", factories.PASSWORD)
    submission_id = int(
        submit_form(client, "/projects/start", {}, form_url="/projects").headers["Location"].rsplit("/", 1)[1]
    )
    posts = valid_posts(lead_id=police.id, partner_id=world["fire"].id)
    posts["project_name"] = {"project_name": "Kent\x00 co-responding"}
    posts["project_summary"] = {"summary": "Fire\x00fighters respond."}
    url = f"/projects/{submission_id}/project_name"
    response = post_raw(client, url, {"csrf_token": csrf_token(client, url), **posts.pop("project_name")})
    assert response.status_code == 302
    assert REMOVED_MESSAGE in client.get(response.headers["Location"]).text
    fill_every_page(client, submission_id, posts)

    response = submit_form(client, f"/projects/{submission_id}/check-your-answers", {"confirm": "y"})

    assert response.status_code == 302, response.text[:300]
    db.session.expire_all()
    submission = db.session.get(Submission, submission_id)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.answers["project_name"] == "Kent co-responding"
    assert submission.answers["summary"] == "Firefighters respond."
    receipts = db.session.scalars(select(OutboundEmail.subject).filter_by(template="submission_receipt"))
    assert "We have received your collaboration project: Kent co-responding" in list(receipts)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users?q=a%00b",
        "/admin/organisations?q=a%00b",
        "/admin/audit?person=a%00b&organisation=%00&action=%00",
        "/admin/emails?q=a%00b&status=%00",
        "/review?q=a%00b&organisation=%00",
        "/find?q=a%00b&themes=%00",
        "/find/figures?q=a%00b",
        "/find/download.csv?q=a%00b",
        "/api/v1/records?q=a%00b",
        "/admin/users?q=%ED%A0%80",
        "/reset-password/a%00b",
        "/invitation/%00",
    ],
)
def test_nul_in_a_query_parameter_or_url_part_never_errors(client, url):
    admin = factories.administrator()
    sign_in(client, admin.email, factories.PASSWORD)
    response = client.get(url)
    assert response.status_code in (200, 410), (url, response.status_code)


def test_the_users_list_says_characters_were_removed_and_searches_without_them(client):
    admin = factories.administrator(name="Ada Administrator")
    sign_in(client, admin.email, factories.PASSWORD)
    page = client.get("/admin/users?q=Ada%00").text
    assert REMOVED_MESSAGE in page
    assert admin.email in page


def test_reviewers_reasons_and_comments_with_nul_are_kept_without_it(client, world):
    item = world["submission"]
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    url = f"/review/{item.id}/reject"
    form = {"csrf_token": csrf_token(client, url), "expected_version": str(item.edit_version)}
    response = post_raw(client, url, {**form, "reason": "Not a\x00 collaboration", "confirmed": "yes"})
    assert response.status_code == 302, response.text[:300]
    db.session.expire_all()
    assert db.session.get(Submission, item.id).decision_note == "Not a collaboration"


def test_a_partners_comment_with_nul_is_kept_without_it(client, world):
    item = world["submission"]
    sign_in(client, "sam@example.org", factories.PASSWORD)
    url = f"/projects/partner/{item.id}"
    response = post_raw(
        client, url, {"csrf_token": csrf_token(client, url), "answer": "yes", "comment": "Yes\x00 we are"}
    )
    assert response.status_code == 302, response.text[:300]
    db.session.expire_all()
    assert db.session.get(Submission, item.id).partners[0].comment == "Yes we are"


def test_an_administrator_changes_a_name_typed_with_nul(client):
    admin = factories.administrator()
    person = factories.user(name="Old Name")
    sign_in(client, admin.email, factories.PASSWORD)
    url = f"/admin/users/{person.id}/edit"
    page = client.get(url).text
    fields = {"csrf_token": csrf_token(client, url), "name": "New\x00 Name", "role": "lead"}
    fields["organisation"] = str(person.organisation_id)
    response = post_raw(client, url, fields)
    assert response.status_code == 302, (response.status_code, page[:100])
    db.session.expire_all()
    assert db.session.scalar(select(User.name).where(User.id == person.id)) == "New Name"
