"""The unit tier runs without a database: a unit test that opens a database connection fails, saying where
such a test belongs. Tests that need rows go in tests/integration."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

NO_DATABASE = "Unit tests run without a database ({}); a test that needs one belongs in tests/integration."


@pytest.fixture(autouse=True)
def _no_database(request: pytest.FixtureRequest) -> Iterator[None]:
    def refuse(*args) -> None:
        raise AssertionError(NO_DATABASE.format(f"{request.node.nodeid} opened a connection"))

    event.listen(Engine, "engine_connect", refuse)
    try:
        yield
    finally:
        event.remove(Engine, "engine_connect", refuse)


@pytest.fixture(scope="session")
def _app() -> None:
    pytest.fail(NO_DATABASE.format("the `app`, `client` and `runner` fixtures of tests/conftest.py need one"))
