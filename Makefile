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
# The end-to-end tests (real terminals in tmux, a browser) run after the rest, one at a time,
# so that they are not starved by the parallel part. The parallel part takes one worker per
# CPU (TEST_WORKERS=N to choose: two per CPU fill the time screen tests spend waiting, but made
# a few raw-Pilot tests flaky on 2 cores; tests/cpu_log.py measures each test's CPU and wall).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)))')
test: setup
	WEALTHTUI_TEST_PG_URL="$${WEALTHTUI_TEST_PG_URL:-$$(scripts/test-postgres.sh)}" \
	  $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -q -rs -m "not e2e and not soak" \
	  --durations=20 $(PYTEST_ARGS)
	$(PY) -m pytest -p no:xdist -q -rs -m "e2e and not soak" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests

bench: setup
	$(PY) bench/run.py

soak: setup
	$(PY) -m pytest -q -m soak -p no:xdist $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
