# The two commands of the README's quick start: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: install site test test-fast check bundle serve lint golden clean lock

# LOCKED=1 (CI and the publishing workflows) installs the exact versions in
# requirements/*.txt, each file checked against its hash, and builds the project from
# those packages alone; without it, pyproject.toml's version ranges (a user's make site).
LOCKED ?=
ifeq ($(LOCKED),1)
SELF := -m pip install --quiet --no-deps --no-build-isolation -e
else
SELF := -m pip install --quiet -e
endif

$(BIN)/briefing: pyproject.toml requirements/site.txt
	$(PYTHON) -m venv $(VENV)
ifeq ($(LOCKED),1)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/site.txt
else
	$(BIN)/python -m pip install --quiet --upgrade pip
endif
	$(BIN)/python $(SELF) .
	@touch $@

$(VENV)/.test-extras: $(BIN)/briefing requirements/test.txt
ifeq ($(LOCKED),1)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.txt
endif
	$(BIN)/python $(SELF) '.[test]'
	@touch $@

## lock: refresh requirements/*.txt from pyproject.toml (exact versions and hashes for
## every Python 3.11+ platform; uv runs from a throw-away tool venv under .cache/)
lock:
	$(PYTHON) -m venv .cache/lock-tool
	.cache/lock-tool/bin/python -m pip install --quiet 'uv>=0.5,<1'
	.cache/lock-tool/bin/uv pip compile pyproject.toml requirements/build.in \
		--generate-hashes --universal --python-version 3.11 --upgrade --quiet \
		--custom-compile-command "make lock" -o requirements/site.txt
	.cache/lock-tool/bin/uv pip compile pyproject.toml requirements/build.in --extra test \
		--generate-hashes --universal --python-version 3.11 --upgrade --quiet \
		--custom-compile-command "make lock" -o requirements/test.txt

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
