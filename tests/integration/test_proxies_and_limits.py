"""Behind a proxy: the client's address (TRUSTED_PROXIES) for rate limits and the audit log; and production
refuses a rate-limit store that counts in each process apart."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import AuditEvent
from tests.conftest import csrf_token

PROXY = "10.0.0.5"


def failed_sign_in(
    client, client_address: str, email: str = "nobody@example.org", forwarded: str | None = None
):
    headers = {
        "X-Forwarded-For": forwarded or client_address,
        # HTTPS from the client to the proxy: the form's referrer is then checked too.
        "X-Forwarded-Proto": "https",
        "Referer": "https://localhost/sign-in",
    }
    token = csrf_token(client, "/sign-in")
    return client.post(
        "/sign-in",
        data={"csrf_token": token, "email": email, "password": "wrong-password-1"},
        headers=headers,
        environ_base={"REMOTE_ADDR": PROXY},
    )


def recorded_addresses() -> list[str | None]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.ip_address).filter_by(action="sign_in.failed")))


def test_behind_a_trusted_proxy_the_audit_log_records_the_clients_address(app):
    app.config["TRUSTED_PROXIES"] = 1
    failed_sign_in(app.test_client(), "203.0.113.7")
    # A client cannot choose its address: only the entry the trusted proxy added counts.
    failed_sign_in(app.test_client(), "203.0.113.8", forwarded="192.0.2.66, 203.0.113.8")
    assert recorded_addresses() == ["203.0.113.7", "203.0.113.8"]


def test_with_no_trusted_proxy_a_forwarded_header_is_not_believed(app):
    assert app.config["TRUSTED_PROXIES"] == 0
    failed_sign_in(app.test_client(), "203.0.113.7")
    assert recorded_addresses() == [PROXY]


def test_the_per_address_sign_in_limit_counts_each_client_behind_the_proxy(app):
    app.config.update(TRUSTED_PROXIES=1, SIGN_IN_LIMIT_PER_ADDRESS="3 per 15 minutes")
    attacker, bystander = app.test_client(), app.test_client()
    for attempt in range(3):
        assert failed_sign_in(attacker, "203.0.113.7", f"a{attempt}@example.org").status_code == 200
    assert failed_sign_in(attacker, "203.0.113.7", "a4@example.org").status_code == 429
    # Someone else behind the same proxy is not locked out by it.
    assert failed_sign_in(bystander, "198.51.100.2", "b@example.org").status_code == 200


def _production(monkeypatch, **env: str):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/postgres")
    for name in ("RATELIMIT_STORAGE_URI", "RATELIMIT_SINGLE_PROCESS", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app("production")


def test_production_refuses_to_count_rate_limits_in_each_process(monkeypatch):
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        _production(monkeypatch)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        _production(monkeypatch, RATELIMIT_STORAGE_URI="memory://")
    assert _production(monkeypatch, RATELIMIT_SINGLE_PROCESS="1").config["RATELIMIT_SINGLE_PROCESS"]
    app = _production(monkeypatch, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0", TRUSTED_PROXIES="2")
    assert app.config["TRUSTED_PROXIES"] == 2


def test_a_setting_that_is_not_a_number_is_refused_by_name(monkeypatch):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES must be a whole number"):
        _production(monkeypatch, RATELIMIT_SINGLE_PROCESS="1", TRUSTED_PROXIES="nginx")
