# The two commands of the README's quick start: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: install site test test-fast check bundle serve lint golden clean

$(BIN)/briefing: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-extras: $(BIN)/briefing
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

## install: create .venv and install the project (what CI does before restoring its cache)
install: $(BIN)/briefing

## site: create .venv, install the project, build the example site into site/
site: $(BIN)/briefing
	$(BIN)/briefing build --strict

## test: create .venv if needed, install test extras, run the tests
test: $(VENV)/.test-extras
	$(BIN)/python -m pytest

## test-fast: the unit-level tests (no site build, no browser), about a minute
test-fast: $(VENV)/.test-extras
	$(BIN)/python -m pytest -m "not slow" -q

check: $(BIN)/briefing
	$(BIN)/briefing check --strict

## bundle: the offline site as dist/<site>-offline.zip
bundle: $(BIN)/briefing
	$(BIN)/briefing bundle --strict

serve: $(BIN)/briefing
	$(BIN)/briefing serve

lint: $(VENV)/.test-extras
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator tests
	$(BIN)/mypy

## golden: refresh the golden copy of the example's generated pages and the generated reference
golden: $(VENV)/.test-extras
	$(BIN)/python -m tests.golden refresh
	$(BIN)/python -m generator.reference

clean:
	rm -rf site dist .briefing-staging* .cache
