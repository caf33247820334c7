# The two commands the README promises: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test test-sqlite test-postgres lint format bench check-migrations frontend clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled whenever the dependencies or their pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(VENV)/.installed $@

$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test,bench]"
	touch $(VENV)/.installed $(VENV)/.installed-test $@

run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask demo setup
	./scripts/run-dev.sh

# One pytest-xdist worker per core, each with a database of its own (TEST_WORKERS=0: one process). A module's
# tests stay on one worker, so rows a module shares are made once.
TEST_WORKERS ?= auto
PYTEST_PARALLEL = $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

test: $(VENV)/.installed-test
	$(PYTEST_PARALLEL)

test-sqlite: $(VENV)/.installed-test
	TEST_DATABASE_URL= $(PYTEST_PARALLEL)

test-postgres: $(VENV)/.installed-test
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} $(PYTEST_PARALLEL)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench
	$(BIN)/python -m bench --rate 90
	$(BIN)/python -m bench.reminders
	$(BIN)/python -m bench.find_mix
	$(BIN)/python -m bench.find
	$(BIN)/python -m bench.downloads

check-migrations: $(VENV)/.installed
	./scripts/check-migrations.sh

frontend:
	./scripts/build-frontend.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
