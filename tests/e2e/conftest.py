"""End-to-end fixtures: the app on a live server, driven by Debian's headless Chromium through Playwright.

See /work/shared/FRONTEND.md for why the browser is launched this way. The whole tier is skipped, with a
message saying why, when /usr/bin/chromium is missing.

Every page a test looks at must pass `assert_accessible` (axe-core, in helpers.py): use `visit(page, url)`
for a navigation and call `assert_accessible(page)` after any other step that lands on a new page.

The live server answers from threads of its own, each with its own database connection, so browser tests
commit for real and the tables are emptied after each (tests/database.py). With pytest-xdist each worker has
its own server (on a free port), browser and database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.e2e.helpers import AXE_JS

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(
        reason=f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium); not found"
    )
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(skip)


# The live server -------------------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the request log would drown pytest's output
        pass


@pytest.fixture(scope="session")
def _server(_app: Flask) -> Iterator[str]:
    """One threaded werkzeug server per session, serving the session's app (the `app` fixture's too)."""
    server = make_server("127.0.0.1", 0, _app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture
def live_server(app: Flask, _server: str) -> str:
    """The base URL; links in emails point at it too (config is restored after each test)."""
    app.config["BASE_URL"] = _server
    return _server


# The browser -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    yield browser
    browser.close()


def _new_page(browser, live_server: str, **options):
    # bypass_csp lets the test inject axe into pages whose Content Security Policy forbids it. Where scripts
    # run, every document has axe from the start: sent once, not with each check (0.17 s a page).
    context = browser.new_context(base_url=live_server, bypass_csp=True, **options)
    if options.get("java_script_enabled", True):
        context.add_init_script(path=str(AXE_JS))
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, app: Flask, live_server: str):
    """A page in a fresh browser context (no cookies), closed before the test's rows are deleted."""
    context, page = _new_page(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser, app: Flask, live_server: str):
    context, page = _new_page(browser, live_server, java_script_enabled=False)
    yield page
    context.close()
