from tests import factories
from tests.e2e.helpers import axe_violations, sign_in
import json

def test_probe(app, page):
    admin = factories.administrator()
    for url in ["/", "/sign-in", "/forgotten-password", "/nope", "/accessibility", "/cookies", "/privacy"]:
        page.goto(url)
        print(url, json.dumps(axe_violations(page), indent=1))
    sign_in(page, admin.email) if False else None
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    for url in ["/", "/admin/users", "/admin/users/invite", "/admin/emails", "/account", "/account/password"]:
        page.goto(url)
        print(url, json.dumps(axe_violations(page), indent=1))
