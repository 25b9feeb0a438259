# The two commands a new user types: `make demo` and `make test`. Each makes .venv if it is
# missing and (re)installs commons into it only when pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: demo test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# compileall: an editable install leaves bytecode to the first import, and where
# PYTHONDONTWRITEBYTECODE is set (as on this project's machines) every command would compile
# the library from source again: a third of a second of start-up.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[all]'
	$(BIN)/python -m compileall -q commons cli
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[all,test,dev]'
	$(BIN)/python -m compileall -q commons cli
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[docs]'
	$(BIN)/python -m compileall -q commons cli
	touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	rm -rf $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(basename $(DEMO_DB))-files
	$(BIN)/commons --db $(DEMO_DB) demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check commons cli tests bench docs
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

# The API reference from the docstrings (docs/api/, not kept in git) and docs/cli.md from the
# commands' help (kept, and tested to be current).
docs: $(VENV)/.installed-docs
	$(BIN)/python docs/gen_api.py
	$(BIN)/python docs/gen_cli.py

bench: $(VENV)/.installed-dev
	$(BIN)/python -m compileall -q commons cli
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(basename $(DEMO_DB))-files .pytest_cache .mypy_cache .ruff_cache docs/api
