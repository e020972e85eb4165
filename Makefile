# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/statediagram $(ARGS)

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)  # the code is laid out by hand within ruff's rules; `ruff format` is not used
	$(BIN)/ruff check src tests benchmarks

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_sim.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
