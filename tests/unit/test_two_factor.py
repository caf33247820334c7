"""Codes from authenticator apps and recovery codes, without a database."""

from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest
from flask import Flask

from app.models import Role
from app.services.people import two_factor

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_015.0  # 15 seconds into a 30-second step


def code_at(seconds: float) -> str:
    """The code an authenticator app shows at that moment."""
    return pyotp.TOTP(SECRET).at(seconds)


@pytest.fixture
def app_context():
    app = Flask(__name__)
    app.config.update(SERVICE_NAME="Emergency services collaboration returns", REQUIRE_2FA=False)
    with app.app_context():
        yield app


def test_the_current_code_matches_its_time_step():
    assert two_factor.matching_step(SECRET, code_at(NOW), at=NOW) == int(NOW // 30)


@pytest.mark.parametrize("offset", [-30, 30])
def test_the_codes_of_the_step_before_and_after_are_accepted(offset):
    assert two_factor.matching_step(SECRET, code_at(NOW + offset), at=NOW) == int((NOW + offset) // 30)


@pytest.mark.parametrize("offset", [-90, -60, 60, 90])
def test_codes_further_away_are_refused(offset):
    assert code_at(NOW + offset) != code_at(NOW)
    assert two_factor.matching_step(SECRET, code_at(NOW + offset), at=NOW) is None


def test_spaces_are_ignored_but_anything_else_that_is_not_6_digits_is_refused():
    code = code_at(NOW)
    assert two_factor.matching_step(SECRET, f" {code[:3]} {code[3:]} ", at=NOW) is not None
    for wrong in ("", code[:5], code + "0", "abcdef", "١٢٣٤٥٦", f"{code[:3]}-{code[3:]}"):
        assert two_factor.matching_step(SECRET, wrong, at=NOW) is None, wrong


def test_a_code_from_another_secret_is_refused():
    other = pyotp.TOTP("KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU").at(NOW)
    assert two_factor.matching_step(SECRET, other, at=NOW) is None


def test_new_secrets_are_random_160_bit_base32_and_shown_in_fours():
    first, second = two_factor.new_secret(), two_factor.new_secret()
    assert first != second
    assert re.fullmatch(r"[A-Z2-7]{32}", first)
    assert two_factor.grouped("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567"


def test_the_setup_address_names_the_service_and_the_person_for_any_authenticator_app(app_context):
    person = SimpleNamespace(email="ada@example.org")
    uri = two_factor.setup_uri(person, SECRET)
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/Emergency services collaboration returns:ada@example.org"
    query = parse_qs(parts.query)
    assert query["secret"] == [SECRET]
    assert query["issuer"] == ["Emergency services collaboration returns"]
    # SHA1, 6 digits, 30 seconds: what every app assumes; pyotp leaves them out when they are the defaults.
    assert query.get("algorithm", ["SHA1"]) == ["SHA1"]
    assert query.get("digits", ["6"]) == ["6"]
    assert query.get("period", ["30"]) == ["30"]
    assert pyotp.parse_uri(uri).now() == pyotp.TOTP(SECRET).now()


def test_the_qr_code_is_an_svg_image_drawn_here():
    image = two_factor.qr_code("otpauth://totp/Service:ada%40example.org?secret=" + SECRET)
    assert image.startswith("data:image/svg+xml")
    assert "<svg" in unquote(image)
    assert "http" not in unquote(image).replace("http://www.w3.org/2000/svg", "")


def test_recovery_codes_are_distinct_readable_and_typed_loosely():
    codes = {two_factor._new_recovery_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}", code), code
    assert two_factor.normalise_recovery_code(" ABCDE 23456\n") == "abcde23456"
    assert two_factor.normalise_recovery_code("abcde-23456") == "abcde23456"


def test_recovery_codes_are_kept_as_hashes_that_differ_between_people():
    ada, rhys = SimpleNamespace(id=1), SimpleNamespace(id=2)
    hashed = two_factor._hash_recovery_code(ada, "abcde-23456")
    assert "abcde" not in hashed and "23456" not in hashed
    assert re.fullmatch(r"[0-9a-f]{64}", hashed)
    # However it was typed, the same code has the same hash; another person's same code does not.
    assert two_factor._hash_recovery_code(ada, "ABCDE 23456") == hashed
    assert two_factor._hash_recovery_code(rhys, "abcde-23456") != hashed


@pytest.mark.parametrize(
    ("require", "role", "required"),
    [
        (False, Role.ADMINISTRATOR, False),
        (True, Role.ADMINISTRATOR, True),
        (True, Role.REVIEWER, True),
        (True, Role.LEAD, False),
    ],
)
def test_require_2fa_applies_to_reviewers_and_administrators(app_context, require, role, required):
    app_context.config["REQUIRE_2FA"] = require
    person = SimpleNamespace(is_authenticated=True, role=role, has_two_factor=False)
    assert two_factor.required_for(person) is required
    assert two_factor.must_set_up(person) is required
    person.has_two_factor = True
    assert two_factor.must_set_up(person) is False
