# guidematch: `make run` to try it, `make test` to test it. Nothing else to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app guidematch
PG_SOCKET ?= /var/run/postgresql

.PHONY: run test test-sqlite test-postgres install install-dev translations messages bench clean checkers \
	lock audit smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Dependencies come from the lock files, hashes checked (`make lock` writes them from
# pyproject.toml's ranges); the project itself is then installed on top, without resolving again.
# `pip check` catches a dependency added to pyproject.toml but not yet to the locks.
LOCK_BEHIND := { $(BIN)/pip check; echo "The lock files miss a dependency of pyproject.toml: run make lock"; exit 1; }
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@$(BIN)/pip check >/dev/null 2>&1 || $(LOCK_BEHIND)
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@$(BIN)/pip check >/dev/null 2>&1 || $(LOCK_BEHIND)
	touch $(VENV)/.installed $@

# pip-tools and pip-audit live in a venv of their own: they are not the app's dependencies.
TOOLS := .venv-tools/bin
$(TOOLS)/pip-compile:
	$(PYTHON) -m venv .venv-tools
	$(TOOLS)/pip install --quiet --upgrade pip pip-tools pip-audit

# Re-pin every dependency (after a change to pyproject.toml, or to take updates):
# requirements.lock is what production installs (with the redis extra), requirements-dev.lock
# adds the dev extra for the tests. tests/test_lock.py checks that both agree with pyproject.toml.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-find-links \
	--no-emit-index-url --no-emit-trusted-host $(if $(UPGRADE),--upgrade)
lock: export CUSTOM_COMPILE_COMMAND = make lock
lock: $(TOOLS)/pip-compile
	$(TOOLS)/pip-compile $(LOCK_FLAGS) --extra redis -o requirements.lock pyproject.toml
	$(TOOLS)/pip-compile $(LOCK_FLAGS) --extra redis --extra dev -o requirements-dev.lock \
	  pyproject.toml

# Known vulnerabilities in the pinned versions (asks PyPI's advisory database).
audit: $(TOOLS)/pip-compile
	$(TOOLS)/pip-audit --strict --require-hashes --disable-pip -r requirements.lock
	$(TOOLS)/pip-audit --strict --require-hashes --disable-pip -r requirements-dev.lock

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

# The checkers the browser tests run on every page (W3C Nu HTML checker, axe-core), exactly as
# package-lock.json pins them; the stamp makes `npm ci` run again only when the lock changes.
# --ignore-scripts: vnu-jar's install script would download a Java runtime; the machine's Java 17 runs it.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

checkers: $(NODE_STAMP)

# Compiled catalogs are build output (git ignores *.mo).
translations: | $(BIN)/python
	@$(BIN)/pybabel -q compile -f -d guidematch/translations

# Extract marked strings and merge them into every catalog (then translate the new ones).
messages: | $(BIN)/python
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k NC_:1c,2 -k NN_:1,2 --no-location --sort-output -o guidematch/translations/messages.pot .
	$(BIN)/pybabel -q update -i guidematch/translations/messages.pot -d guidematch/translations --no-fuzzy-matching --ignore-obsolete

# Links printed by demo-data and put in emails point at this server.
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when one is reachable (or
# required: GUIDEMATCH_TEST_POSTGRES set makes an unreachable server a failure).
test: install-dev $(NODE_STAMP)
	@echo "== test suite on SQLite"
	env -u GUIDEMATCH_TEST_POSTGRES $(BIN)/python -m pytest
	@if [ -n "$$GUIDEMATCH_TEST_POSTGRES" ]; then \
	  echo "== test suite on PostgreSQL ($$GUIDEMATCH_TEST_POSTGRES)"; \
	  $(BIN)/python -m pytest; \
	elif command -v pg_isready >/dev/null && pg_isready -q -h $(PG_SOCKET) \
	     && psql -h $(PG_SOCKET) -d postgres -tAc 'select 1' >/dev/null 2>&1; then \
	  echo "== test suite on PostgreSQL (found at $(PG_SOCKET))"; \
	  GUIDEMATCH_TEST_POSTGRES="postgresql:///postgres?host=$(PG_SOCKET)" $(BIN)/python -m pytest; \
	else \
	  echo "== PostgreSQL not reachable: ran on SQLite only (.ci/run starts one; see README)"; \
	fi

# nginx, two gunicorn instances, PostgreSQL and Redis on 127.0.0.1: see deploy/smoke.sh.
smoke: install-dev
	bash deploy/smoke.sh

bench: install-dev
	$(BIN)/python bench/matching.py

clean:
	rm -rf $(VENV) .venv-tools .pytest_cache .hypothesis node_modules
