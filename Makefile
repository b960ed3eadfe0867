# wealthtui — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test lint bench soak clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## run: set up, build the demo center if there is none, open the app
run: setup
	$(BIN)/wealthtui demo --if-missing
	$(BIN)/wealthtui

## test: set up and run the whole suite (the PostgreSQL variants too when a server can be started)
test: setup
	WEALTHTUI_TEST_PG_URL="$${WEALTHTUI_TEST_PG_URL:-$$(scripts/test-postgres.sh)}" \
	  $(PY) -m pytest -n 2 -q -rs $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests

bench: setup
	$(PY) bench/run.py

soak: setup
	$(PY) -m pytest -q -m soak -p no:xdist $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
