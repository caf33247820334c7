"""The accessibility check every browser test relies on (assert_accessible in helpers.py) finds problems, with
and without JavaScript: a check that could not fail would let every page pass."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import assert_accessible, axe_violations

# Two problems axe must report: an image without a text alternative (in the document itself), and hint text
# the same grey as its background (only with the service's styles loaded: without them the text is black,
# which passes on this background). The second shows the check sees the page as styled.
DOCUMENT = """<!DOCTYPE html>
<html lang="en-GB">
<head><title>Problems - Emergency services collaboration</title>{styles}</head>
<body class="govuk-template__body">
<main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">Problems</h1>
<img src="/static/moj/assets/images/icon-toggle-plus-minus.svg" width="16" height="16">
<div style="background: #6f777b; padding: 10px"><p class="govuk-hint">Grey on grey</p></div>
</main>
</body>
</html>"""


@pytest.mark.parametrize("browser_page", ["page", "page_without_javascript"])
def test_the_check_reports_a_missing_text_alternative_and_unreadable_styled_text(
    request, browser_page, live_server
):
    page = request.getfixturevalue(browser_page)
    page.goto("/sign-in")
    styles = "".join(
        f'<link rel="stylesheet" href="{href}">'
        for href in page.locator('link[rel="stylesheet"]').evaluate_all(
            "(links) => links.map((link) => link.getAttribute('href'))"
        )
    )
    assert "govuk-frontend" in styles
    page.route(
        "**/problems",
        lambda route: route.fulfill(content_type="text/html", body=DOCUMENT.format(styles=styles)),
    )
    page.goto("/problems")

    found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "color-contrast"} <= found

    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_accessible(page)


# Text readable on a wide screen and unreadable on a phone: the check sees the page at the size it is shown.
NARROW = """<!DOCTYPE html>
<html lang="en-GB">
<head><title>Narrow - Emergency services collaboration</title>
<style>@media (max-width: 640px) { .narrow { color: #505a5f; } }</style></head>
<body><main><h1>Narrow</h1>
<p class="narrow" style="background: #6f777b">Grey on grey on a phone</p>
</main></body>
</html>"""


@pytest.mark.parametrize("browser_page", ["page", "page_without_javascript"])
def test_the_check_sees_the_page_at_the_size_it_is_shown(request, browser_page, live_server):
    page = request.getfixturevalue(browser_page)
    page.route("**/narrow", lambda route: route.fulfill(content_type="text/html", body=NARROW))
    page.goto("/narrow")
    assert "color-contrast" not in {violation["id"] for violation in axe_violations(page)}

    page.set_viewport_size({"width": 375, "height": 667})
    assert "color-contrast" in {violation["id"] for violation in axe_violations(page)}
