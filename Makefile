# The two commands a new user types: `make demo` and `make test`. Each makes .venv if it is
# missing and (re)installs commons into it only when pyproject.toml or the list of modules changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: demo test lint browser postgresql bench docs clean FORCE

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# The library is installed editable in setuptools' strict mode: a tree of links under build/ that
# a .pth file puts on sys.path. The default mode imports a finder (and with it pathlib, urllib and
# ipaddress) at every start of Python: a fifth of the 0.10 s a command may take. The links cover
# the modules that existed at install time, so the install is redone when the list of modules
# changes (the .modules stamp is rewritten only then), not when a module is edited.
# compileall: where PYTHONDONTWRITEBYTECODE is set (as on this project's machines) every command
# would otherwise compile the library from source again, a third of a second of start-up.
MODULES := $(shell find commons cli -name '*.py' -not -path '*/__pycache__/*' | LC_ALL=C sort)
INSTALL = $(BIN)/python -m pip install --quiet --disable-pip-version-check \
	--config-settings editable_mode=strict -e
COMPILE = $(BIN)/python -m compileall -q build

$(VENV)/.modules: FORCE | $(BIN)/python
	@echo '$(MODULES)' | cmp -s - $@ || echo '$(MODULES)' > $@

$(VENV)/.installed-run: pyproject.toml $(VENV)/.modules | $(BIN)/python
	rm -rf build/__editable__.*
	$(INSTALL) '.[all]'
	$(COMPILE)
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.modules | $(BIN)/python
	rm -rf build/__editable__.*
	$(INSTALL) '.[all,test,dev]'
	$(COMPILE)
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-docs: pyproject.toml $(VENV)/.modules | $(BIN)/python
	rm -rf build/__editable__.*
	$(INSTALL) '.[all,docs]'
	$(COMPILE)
	touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	rm -rf $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(basename $(DEMO_DB))-files
	$(BIN)/commons --db $(DEMO_DB) demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check commons cli tests bench docs
	$(BIN)/mypy
	$(BIN)/lint-imports

# The disclosure's browser checks (tests/browser) need Debian's chromium and a Chinese font:
# installed with apt where the machine allows it (root, apt-get); elsewhere they are skipped,
# and said so loudly.
BROWSER_PACKAGES := chromium fonts-wqy-microhei
HAVE_BROWSER = command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .
NO_BROWSER = echo '*** chromium (or a Chinese font) is missing: the disclosure BROWSER CHECKS WERE SKIPPED ***'

browser:
	@$(HAVE_BROWSER) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && { \
		apt-get install -y --no-install-recommends $(BROWSER_PACKAGES) || { apt-get update && \
		apt-get install -y --no-install-recommends $(BROWSER_PACKAGES); }; }; } || true
	@$(HAVE_BROWSER) || $(NO_BROWSER)

# The PostgreSQL store's tests start a server from Debian's postgresql package: installed here
# where it is missing and apt can (as root); otherwise the run says loudly that they were skipped.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		  { apt-get install -y -qq postgresql >/dev/null || { apt-get update -qq && \
		    apt-get install -y -qq postgresql >/dev/null; }; }; } || true

test: lint browser postgresql
	$(BIN)/python -m pytest -q -n auto
	@$(HAVE_BROWSER) || $(NO_BROWSER)

# The API reference from the docstrings (docs/api/, not kept in git) and docs/cli.md from the
# commands' help (kept, and tested to be current).
docs: $(VENV)/.installed-docs
	$(BIN)/python docs/gen_api.py
	$(BIN)/python docs/gen_cli.py

bench: $(VENV)/.installed-dev
	$(COMPILE)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(basename $(DEMO_DB))-files .pytest_cache .mypy_cache .ruff_cache docs/api
