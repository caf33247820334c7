"""Two-factor authentication through the pages: setting it up, signing in with a code or a recovery code,
replays, limits, REQUIRE_2FA and an administrator's reset. Codes are computed with pyotp, as an app would."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, RecoveryCode
from app.models.base import utcnow
from app.services.people import two_factor
from tests import factories
from tests.conftest import csrf_token, sign_in, submit_form

SET_UP = "/account/two-factor/set-up"
CODE = "/sign-in/code"
RECOVERY = "/sign-in/recovery-code"
KEY = re.compile(r'id="setup-key">([A-Z2-7 ]+)</code>')
RECOVERY_CODES = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")


@pytest.fixture
def frozen():
    """Time stands still unless the test moves it, so that codes and their time steps are certain."""
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def last_event(action: str) -> AuditEvent:
    return db.session.scalars(
        select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id.desc())
    ).first()


def now_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def set_up_through_the_pages(client, next_path: str = "") -> tuple[str, list[str]]:
    """Set up two-factor authentication as a person does: read the key, type the app's code."""
    url = SET_UP + next_path
    page = client.get(url).get_data(as_text=True)  # the markup as sent, not unescaped
    secret = KEY.search(page).group(1).replace(" ", "")
    response = submit_form(client, url, {"code": now_code(secret)})
    assert response.status_code == 200, response.text
    codes = RECOVERY_CODES.findall(response.text)
    assert len(codes) == 10
    return secret, codes


def sign_in_with_code(client, email: str, secret: str, *, next_path: str = ""):
    response = submit_form(client, "/sign-in" + next_path, {"email": email, "password": factories.PASSWORD})
    assert response.headers["Location"] == CODE
    return submit_form(client, CODE, {"code": now_code(secret)})


# Setting it up


def test_setting_it_up_from_the_account_page(client, frozen):
    person = factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    account = client.get("/account").text
    assert "Set up two-factor authentication" in account
    assert f'href="{SET_UP}?next=/account"' in account

    page = client.get(SET_UP + "?next=/account")
    assert page.headers["Cache-Control"] == "no-store"
    assert re.search(r'<img class="app-qr-code" src="data:image/svg\+xml[^"]+" alt="QR code', page.text)
    key = KEY.search(page.get_data(as_text=True)).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)  # grouped in fours
    assert client.get(SET_UP).text.count(key) == 1  # the same key until it is confirmed
    secret = key.replace(" ", "")

    page = submit_form(client, SET_UP, {"code": ""}).text
    assert "There is a problem" in page
    assert page.count("Enter the 6-digit code from your authenticator app") == 2  # summary and field
    page = submit_form(client, SET_UP, {"code": "12345x"}).text
    assert "The code must be 6 digits" in page
    wrong = "000000" if now_code(secret) != "000000" else "111111"
    page = submit_form(client, SET_UP, {"code": wrong}).text
    assert "The code is not correct or has expired" in page
    db.session.refresh(person)
    assert not person.has_two_factor

    code = now_code(secret)
    response = submit_form(client, SET_UP + "?next=/account", {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Two-factor authentication is on" in response.text
    assert "You will not see these codes again" in response.text
    codes = RECOVERY_CODES.findall(response.text)
    assert len(set(codes)) == 10
    assert 'href="/account"' in response.text  # carries on to where they were going

    db.session.refresh(person)
    assert person.has_two_factor
    assert person.totp_secret == secret
    stored = db.session.scalars(select(RecoveryCode.code_hash).filter_by(user_id=person.id)).all()
    assert len(stored) == 10
    assert not any(code in h or code.replace("-", "") in h for code in codes for h in stored)
    assert actions()[-1] == "two_factor.enabled"
    account = client.get("/account").text
    assert "You have 10 unused recovery codes" in account
    assert "Turn off two-factor authentication" in account
    # Set up already: the page goes back to the account.
    assert client.get(SET_UP).headers["Location"] == "/account"


def test_setting_it_up_starts_a_new_session_and_ends_the_others(client, app, frozen):
    factories.reviewer(email="rhys@example.org")
    other_device = app.test_client()
    sign_in(other_device, "rhys@example.org", factories.PASSWORD)
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    before = client.get_cookie("session").value
    set_up_through_the_pages(client)
    assert client.get_cookie("session").value != before
    assert is_signed_in(client)
    # Signed in with the password alone elsewhere: that session has ended.
    assert not is_signed_in(other_device)


# Signing in


def test_after_the_password_a_code_is_asked_for_before_anyone_is_signed_in(client, frozen):
    person = factories.administrator(email="ada@example.org")
    secret, _ = factories.with_two_factor(person)
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=/admin/emails",
        data={"csrf_token": token, "email": "ada@example.org", "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == CODE
    assert not is_signed_in(client)
    assert "sign_in" not in actions()
    page = client.get(CODE).text
    assert "Enter the code from your authenticator app" in page
    assert f'href="{RECOVERY}"' in page

    wrong = "000000" if now_code(secret) != "000000" else "111111"
    page = submit_form(client, CODE, {"code": wrong}).text
    assert "The code is not correct or has expired" in page
    assert not is_signed_in(client)
    failed = last_event("two_factor.failed")
    assert failed.subject_id == person.id
    assert failed.details["reason"] == "wrong code"

    response = submit_form(client, CODE, {"code": now_code(secret)})
    assert response.headers["Location"] == "/admin/emails"
    assert is_signed_in(client)
    signed_in = last_event("sign_in")
    assert signed_in.details == {"second_factor": "authenticator app"}
    db.session.refresh(person)
    assert person.last_sign_in_at is not None
    # Signed in: the code page has nothing more to ask.
    assert client.get(CODE).headers["Location"] == "/"


def test_the_code_from_the_step_before_is_still_accepted(client, frozen):
    person = factories.reviewer(email="rhys@example.org")
    secret, _ = factories.with_two_factor(person)
    submit_form(client, "/sign-in", {"email": "rhys@example.org", "password": factories.PASSWORD})
    earlier = pyotp.TOTP(secret).at(utcnow() - timedelta(seconds=30))
    assert submit_form(client, CODE, {"code": earlier}).headers["Location"] == "/"


def test_the_half_signed_in_state_expires_after_5_minutes(client, frozen):
    person = factories.reviewer(email="rhys@example.org")
    secret, _ = factories.with_two_factor(person)
    token = csrf_token(client, "/sign-in")
    client.post(
        "/sign-in?next=/review",
        data={"csrf_token": token, "email": "rhys@example.org", "password": factories.PASSWORD},
    )
    token = csrf_token(client, CODE)
    frozen.shift(timedelta(minutes=5, seconds=1))
    response = client.post(CODE, data={"csrf_token": token, "code": now_code(secret)})
    assert response.headers["Location"] == "/sign-in?next=/review"
    assert "You did not enter a code in time. Sign in again." in client.get(response.headers["Location"]).text
    assert not is_signed_in(client)
    # Without a password first there is nothing to enter a code for.
    assert client.get(CODE).headers["Location"] == "/sign-in"
    assert client.get(RECOVERY).headers["Location"] == "/sign-in"


def test_a_password_changed_meanwhile_ends_the_half_signed_in_state(client, frozen):
    person = factories.reviewer(email="rhys@example.org")
    secret, _ = factories.with_two_factor(person)
    submit_form(client, "/sign-in", {"email": "rhys@example.org", "password": factories.PASSWORD})
    token = csrf_token(client, CODE)
    person.session_token = "changed-with-the-password"
    db.session.commit()
    response = client.post(CODE, data={"csrf_token": token, "code": now_code(secret)})
    assert response.headers["Location"] == "/sign-in"
    assert not is_signed_in(client)


def test_a_code_cannot_be_used_twice(client, frozen):
    person = factories.reviewer(email="rhys@example.org")
    secret, _ = factories.with_two_factor(person)
    code = now_code(secret)
    assert sign_in_with_code(client, "rhys@example.org", secret).headers["Location"] == "/"
    submit_form(client, "/sign-out", {}, form_url="/account")

    # Someone who saw the code, trying it again within the same 30 seconds, or a minute later in the window.
    submit_form(client, "/sign-in", {"email": "rhys@example.org", "password": factories.PASSWORD})
    page = submit_form(client, CODE, {"code": code}).text
    assert "That code has already been used" in page
    assert not is_signed_in(client)
    assert last_event("two_factor.failed").details["reason"] == "code already used"
    frozen.shift(timedelta(seconds=30))
    assert "That code has already been used" in submit_form(client, CODE, {"code": code}).text

    # The next code from the app works.
    assert submit_form(client, CODE, {"code": now_code(secret)}).headers["Location"] == "/"


def test_failed_codes_are_limited_per_account(client, app, frozen):
    person = factories.reviewer(email="rhys@example.org")
    secret, _ = factories.with_two_factor(person)
    other = factories.administrator(email="ada@example.org")
    other_secret, _ = factories.with_two_factor(other)
    wrong = "000000" if now_code(secret) != "000000" else "111111"

    submit_form(client, "/sign-in", {"email": "rhys@example.org", "password": factories.PASSWORD})
    for _ in range(3):
        assert submit_form(client, CODE, {"code": wrong}).status_code == 200
    # The recovery code page counts towards the same limit, and signing in again does not reset it.
    submit_form(client, RECOVERY, {"recovery_code": "aaaaa-bbbbb"})
    submit_form(client, "/sign-in", {"email": "rhys@example.org", "password": factories.PASSWORD})
    submit_form(client, CODE, {"code": wrong})
    response = submit_form(client, CODE, {"code": now_code(secret)})
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert not is_signed_in(client)
    assert actions().count("two_factor.failed") == 5

    # Someone else signing in from the same place is not held up.
    other_client = app.test_client()
    assert sign_in_with_code(other_client, "ada@example.org", other_secret).headers["Location"] == "/"

    # After the limit's time has passed, the right code works again.
    frozen.shift(timedelta(minutes=16))
    sign_in(client, "rhys@example.org", factories.PASSWORD)
    assert submit_form(client, CODE, {"code": now_code(secret)}).headers["Location"] == "/"


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, frozen):
    person = factories.reviewer(email="rhys@example.org")
    _, codes = factories.with_two_factor(person)
    submit_form(client, "/sign-in?next=/find", {"email": "rhys@example.org", "password": factories.PASSWORD})
    page = client.get(RECOVERY).text
    assert "Enter a recovery code" in page

    page = submit_form(client, RECOVERY, {"recovery_code": ""}).text
    assert "Enter one of your recovery codes" in page
    page = submit_form(client, RECOVERY, {"recovery_code": "aaaaa-bbbbb"}).text
    assert "The recovery code is not correct or has already been used" in page
    assert last_event("two_factor.failed").details["reason"] == "wrong recovery code"

    # Typed in capitals with a space instead of the hyphen, as people do.
    response = submit_form(client, RECOVERY, {"recovery_code": codes[0].upper().replace("-", " ")})
    assert response.headers["Location"] == "/find"
    assert "You have 9 recovery codes left." in client.get("/find").text
    used = last_event("two_factor.recovery_code_used")
    assert used.subject_id == person.id
    assert used.details == {"codes_left": 9}
    assert last_event("sign_in").details == {"second_factor": "recovery code"}
    assert "You have 9 unused recovery codes" in client.get("/account").text

    submit_form(client, "/sign-out", {}, form_url="/account")
    submit_form(client, "/sign-in", {"email": "rhys@example.org", "password": factories.PASSWORD})
    page = submit_form(client, RECOVERY, {"recovery_code": codes[0]}).text
    assert "The recovery code is not correct or has already been used" in page
    assert not is_signed_in(client)


def test_the_last_recovery_codes_come_with_a_warning(client):
    person = factories.reviewer(email="rhys@example.org")
    _, codes = factories.with_two_factor(person)
    for code in codes[:8]:
        two_factor.use_recovery_code(person, code)
    db.session.commit()
    submit_form(client, "/sign-in", {"email": "rhys@example.org", "password": factories.PASSWORD})
    assert submit_form(client, RECOVERY, {"recovery_code": codes[8]}).headers["Location"] == "/"
    page = client.get("/").text
    assert "You have 1 recovery code left. Get new recovery codes from your account page." in page

    submit_form(client, "/sign-out", {}, form_url="/account")
    submit_form(client, "/sign-in", {"email": "rhys@example.org", "password": factories.PASSWORD})
    submit_form(client, RECOVERY, {"recovery_code": codes[9]})
    assert "You have used your last recovery code" in client.get("/").text


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(client, frozen):
    person = factories.user(email="lee@example.org")
    secret, old_codes = factories.with_two_factor(person)
    sign_in_with_code(client, "lee@example.org", secret)
    frozen.shift(timedelta(seconds=30))

    page = client.get("/account/two-factor/recovery-codes").text
    assert "Your old recovery codes will stop working" in page
    page = submit_form(client, "/account/two-factor/recovery-codes", {"code": ""}).text
    assert "Enter the 6-digit code from your authenticator app" in page
    wrong = "000000" if now_code(secret) != "000000" else "111111"
    page = submit_form(client, "/account/two-factor/recovery-codes", {"code": wrong}).text
    assert "The code is not correct or has expired" in page

    response = submit_form(client, "/account/two-factor/recovery-codes", {"code": now_code(secret)})
    assert response.headers["Cache-Control"] == "no-store"
    new_codes = RECOVERY_CODES.findall(response.text)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert actions()[-1] == "two_factor.recovery_codes_replaced"

    submit_form(client, "/sign-out", {}, form_url="/account")
    submit_form(client, "/sign-in", {"email": "lee@example.org", "password": factories.PASSWORD})
    assert "not correct" in submit_form(client, RECOVERY, {"recovery_code": old_codes[1]}).text
    assert submit_form(client, RECOVERY, {"recovery_code": new_codes[1]}).status_code == 302


def test_turning_it_off_needs_a_code(client, frozen):
    person = factories.user(email="lee@example.org")
    secret, _ = factories.with_two_factor(person)
    sign_in_with_code(client, "lee@example.org", secret)
    frozen.shift(timedelta(seconds=30))

    wrong = "000000" if now_code(secret) != "000000" else "111111"
    page = submit_form(client, "/account/two-factor/turn-off", {"code": wrong}).text
    assert "The code is not correct or has expired" in page
    db.session.refresh(person)
    assert person.has_two_factor

    response = submit_form(client, "/account/two-factor/turn-off", {"code": now_code(secret)})
    assert response.headers["Location"] == "/account"
    assert "Two-factor authentication is off" in client.get("/account").text
    db.session.refresh(person)
    assert not person.has_two_factor
    assert db.session.scalars(select(RecoveryCode).filter_by(user_id=person.id)).all() == []
    assert actions()[-1] == "two_factor.disabled"

    submit_form(client, "/sign-out", {}, form_url="/account")
    assert sign_in(client, "lee@example.org", factories.PASSWORD).headers["Location"] == "/"


# REQUIRE_2FA


def test_require_2fa_sends_a_reviewer_to_set_it_up_and_nowhere_else(client, app, frozen):
    app.config["REQUIRE_2FA"] = True
    person = factories.reviewer(email="rhys@example.org")
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=/review",
        data={"csrf_token": token, "email": "rhys@example.org", "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == f"{SET_UP}?next=/review"
    page = client.get(response.headers["Location"]).text
    assert "Reviewers must sign in with a code from an authenticator app" in page
    assert 'href="/review"' not in page  # no menu to go elsewhere
    assert "Sign out" in page

    for url in ("/review", "/account", "/find", "/", "/account/password"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith(SET_UP), url
    assert client.get("/review").headers["Location"] == f"{SET_UP}?next=/review"
    assert submit_form(client, "/account/reminders", {}, form_url=SET_UP).headers["Location"] == SET_UP
    assert client.get("/health").status_code == 200
    assert client.get("/accessibility").status_code == 200
    keep_alive = client.post(
        "/session/keep-alive",
        data={"csrf_token": csrf_token(client, SET_UP)},
        headers={"Accept": "application/json"},
    )
    assert keep_alive.json == {"signed_in": True}

    set_up_through_the_pages(client, "?next=/review")
    db.session.refresh(person)
    assert person.has_two_factor
    assert client.get("/review").status_code == 200
    assert "You have 10 unused recovery codes" in client.get("/account").text
    # Required for the role: it cannot be turned off.
    page = client.get("/account").text
    assert "Turn off two-factor authentication" not in page
    assert "Reviewers must use two-factor authentication" in page
    frozen.shift(timedelta(seconds=30))
    page = submit_form(client, "/account/two-factor/turn-off", {"code": now_code(person.totp_secret)}).text
    assert "Reviewers must use two-factor authentication, so you cannot turn it off" in page
    db.session.refresh(person)
    assert person.has_two_factor


def test_require_2fa_still_lets_someone_who_has_not_set_it_up_sign_out(client, app):
    app.config["REQUIRE_2FA"] = True
    factories.administrator(email="ada@example.org")
    sign_in(client, "ada@example.org", factories.PASSWORD)
    response = submit_form(client, "/sign-out", {}, form_url=SET_UP)
    assert response.headers["Location"] == "/signed-out"
    assert client.get("/signed-out").status_code == 200
    assert not is_signed_in(client)


def test_require_2fa_does_not_apply_to_collaboration_leads(client, app):
    app.config["REQUIRE_2FA"] = True
    factories.user(email="lee@example.org")
    assert sign_in(client, "lee@example.org", factories.PASSWORD).headers["Location"] == "/"
    assert client.get("/projects").status_code == 200
    assert "Set up two-factor authentication" in client.get("/account").text


def test_require_2fa_still_ends_an_idle_session_first(client, app):
    app.config["REQUIRE_2FA"] = True
    factories.reviewer(email="rhys@example.org")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        sign_in(client, "rhys@example.org", factories.PASSWORD)
        assert client.get(SET_UP).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/review")
        assert response.headers["Location"] == "/sign-in?next=/review"
        assert (
            "You were signed out because you did not do anything for a while"
            in client.get(response.headers["Location"]).text
        )


# An administrator's reset


def test_an_administrator_resets_someones_two_factor_authentication(client, app, frozen):
    factories.administrator(email="ada@example.org")
    person = factories.reviewer(email="rhys@example.org", name="Rhys Reviewer")
    secret, _ = factories.with_two_factor(person)
    theirs = app.test_client()
    sign_in_with_code(theirs, "rhys@example.org", secret)
    assert is_signed_in(theirs)

    sign_in(client, "ada@example.org", factories.PASSWORD)
    users = client.get("/admin/users").text
    url = f"/admin/users/{person.id}/reset-two-factor"
    assert f'href="{url}"' in users
    # The link says whose it is to a screen reader.
    assert "Reset two-factor authentication for Rhys Reviewer" in re.sub(r"<[^>]+>", "", users)

    page = client.get(url).text
    assert "Are you sure you want to reset two-factor authentication for Rhys Reviewer?" in page
    db.session.refresh(person)
    assert person.has_two_factor  # nothing happens until confirmed

    response = submit_form(client, url, {})
    assert response.headers["Location"] == "/admin/users"
    assert "Two-factor authentication reset for Rhys Reviewer" in client.get("/admin/users").text
    db.session.refresh(person)
    assert not person.has_two_factor
    assert db.session.scalars(select(RecoveryCode).filter_by(user_id=person.id)).all() == []
    event = last_event("two_factor.reset")
    assert event.actor.email == "ada@example.org"
    assert event.subject_id == person.id
    # Signed out everywhere; signing in asks for the password alone now.
    assert not is_signed_in(theirs)
    assert sign_in(theirs, "rhys@example.org", factories.PASSWORD).headers["Location"] == "/"

    # Nothing to reset any more.
    response = client.get(url)
    assert response.headers["Location"] == "/admin/users"
    assert "Rhys Reviewer does not use two-factor authentication" in client.get("/admin/users").text


def test_administrators_cannot_reset_their_own_and_others_cannot_reset_at_all(client, app):
    admin = factories.administrator(email="ada@example.org")
    factories.with_two_factor(admin)
    with time_machine.travel(utcnow(), tick=False):
        sign_in_with_code(client, "ada@example.org", admin.totp_secret)
    url = f"/admin/users/{admin.id}/reset-two-factor"
    assert f'href="{url}"' not in client.get("/admin/users").text
    assert client.get(url).headers["Location"] == "/admin/users"
    assert submit_form(client, url, {}, form_url="/admin/users").headers["Location"] == "/admin/users"
    db.session.refresh(admin)
    assert admin.has_two_factor

    factories.reviewer(email="rhys@example.org")
    reviewer_client = app.test_client()
    sign_in(reviewer_client, "rhys@example.org", factories.PASSWORD)
    assert reviewer_client.get(url).status_code == 403
    assert client.get("/admin/users/999999/reset-two-factor").status_code == 404


def test_the_command_line_resets_the_last_administrator(runner, app):
    app.config["REQUIRE_2FA"] = True
    admin = factories.administrator(email="ada@example.org")
    factories.with_two_factor(admin)
    result = runner.invoke(args=["users", "reset-two-factor", "--email", "ADA@example.org"])
    assert result.exit_code == 0, result.output
    assert "Two-factor authentication reset for ada@example.org" in result.output
    assert "They must set it up again when they next sign in." in result.output
    db.session.refresh(admin)
    assert not admin.has_two_factor
    assert last_event("two_factor.reset").details == {"email": "ada@example.org", "via": "command line"}

    result = runner.invoke(args=["users", "reset-two-factor", "--email", "ada@example.org"])
    assert result.exit_code != 0
    assert "Ada Administrator does not use two-factor authentication" in result.output
    result = runner.invoke(args=["users", "reset-two-factor", "--email", "nobody@example.org"])
    assert result.exit_code != 0
    assert "There is no account for nobody@example.org" in result.output


# The rest of signing in still works around the second step


def test_typed_answers_kept_at_a_timeout_survive_signing_in_with_a_code(client):
    from app.services.rounds import deadlines as rounds

    police = factories.organisation("Kent Police")
    person = factories.user(email="priya@example.org", organisation_=police)
    secret, _ = factories.with_two_factor(person)
    now = utcnow()
    rounds.create_round(
        title="Collaboration return 2026",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        version=rounds.default_version(),
    )
    db.session.commit()
    with time_machine.travel(now, tick=False) as traveller:
        sign_in_with_code(client, "priya@example.org", secret)
        response = submit_form(client, "/projects/start", {}, form_url="/projects")
        url = response.headers["Location"] + "/project_name"
        token = csrf_token(client, url)
        traveller.shift(timedelta(minutes=45))
        response = client.post(url, data={"csrf_token": token, "project_name": "Typed while away"})
        assert response.headers["Location"] == f"/sign-in?next={url}"
        response = sign_in_with_code(client, "priya@example.org", secret, next_path=f"?next={url}")
        assert response.headers["Location"] == url
        page = client.get(url).text
        assert "We have kept what you typed" in page
        assert "Typed while away" in page
