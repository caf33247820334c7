"""Numbers too large for any id (2^63 and up) in a URL answer 404 "Page not found", never 500."""

from __future__ import annotations

import pytest

from app.models import Role
from tests import factories
from tests.conftest import csrf_token, sign_in

HUGE = str(2**63)


def _int_urls(app) -> list[tuple[str, str]]:
    """(method, path) for every route with an <int:...> part, that number set to 2^63."""
    urls = []
    for rule in app.url_map.iter_rules():
        converters = {name: type(converter).__name__ for name, converter in rule._converters.items()}
        if not any("Integer" in kind or "Id" in kind for kind in converters.values()):
            continue
        values = {
            name: (HUGE if "Integer" in kind or "Id" in kind else "x") for name, kind in converters.items()
        }
        path = rule.build(values, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        urls.append((method, path))
    assert len(urls) > 30
    return urls


@pytest.mark.parametrize("role", [None, Role.LEAD, Role.REVIEWER, Role.ADMINISTRATOR])
def test_every_int_route_answers_404_for_a_number_too_large_for_an_id(app, client, role):
    app.config["PUBLIC_DATABASE"] = True
    if role is not None:
        person = factories.user(role)
        sign_in(client, person.email, factories.PASSWORD)
    token = csrf_token(client, "/sign-in" if role is None else "/account")
    for method, path in _int_urls(app):
        response = client.get(path) if method == "GET" else client.post(path, data={"csrf_token": token})
        assert response.status_code == 404, (method, path, response.status_code)
        assert "Page not found" in response.text


def test_a_huge_number_in_a_query_string_is_ignored(client):
    admin = factories.administrator()
    sign_in(client, admin.email, factories.PASSWORD)
    for url in (
        f"/admin/questionnaires/new?copy={HUGE}",
        f"/admin/audit?submission={HUGE}",
        f"/review?reviewer={HUGE}",
        f"/admin/users?organisation={HUGE}",
        "/admin/questionnaires/new?copy=²",
    ):
        assert client.get(url).status_code == 200, url
