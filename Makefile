# Each target that needs the app creates .venv and installs into it, so `make run` or `make test`
# is the only command a newcomer types.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-all lint bench screenshots clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/aniworld-desktop $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

test-all: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check aniworld_desktop tests
	$(BIN)/ruff format --check aniworld_desktop tests
	$(BIN)/mypy

bench: $(STAMP)
	@command -v curl >/dev/null || (apt-get update -qq && apt-get install -y -qq curl)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/run_all.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/screenshots.py docs/images

clean:
	rm -rf $(VENV) build dist *.egg-info
