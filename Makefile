# Two commands for a newcomer: `make run` and `make test`. Both start with `make setup`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mail and the sitemap point at the address the portal is started on.
BASE_URL ?= http://$(HOST):$(PORT)
# The demo runs with DEBUG on (development key, console e-mail); production sets its own environment.
RUN_ENV := DEBUG=$${DEBUG:-1} BASE_URL=$(BASE_URL)
INSTALL := PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/install-venv.sh
# The compiled catalogues (.mo) are built here, not committed.
# locale_overrides/ rewords a few of allauth's and Django's Dutch strings; it comes first in LOCALE_PATHS.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po locale_overrides/locale/*/LC_MESSAGES/*.po))

.PHONY: setup setup-test run test test-browser browser bench messages lock lock-hashes clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

# What running the portal needs (requirements.lock): uv installs it when it can (see the script).
$(VENV)/.installed: requirements.lock
	$(INSTALL) requirements.lock
	$(PY) scripts/check_system.py
	touch $@

# The test tools on top (requirements-test.lock): pytest and its plugins, Playwright, hypothesis.
$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(INSTALL) requirements.lock requirements-test.lock
	touch $@

# Without gettext: a short polib script writes the .mo files.
locale/%.mo: locale/%.po | $(VENV)/.installed
	$(PY) scripts/compile_messages.py

locale_overrides/locale/%.mo: locale_overrides/locale/%.po | $(VENV)/.installed
	$(PY) scripts/compile_messages.py

setup: $(VENV)/.installed $(CATALOGUES)  ## create .venv with what running needs, compile the Dutch catalogue

setup-test: setup $(VENV)/.installed-test  ## setup, plus the test tools

# seed_demo skips the system checks that migrate has just run.
run: setup  ## set up, migrate, add demo content and start the portal with a task worker
	$(RUN_ENV) $(PY) manage.py migrate --no-input -v0
	$(RUN_ENV) $(PY) manage.py seed_demo --skip-checks
	@echo "Portal: $(BASE_URL)/  (admin: $(BASE_URL)/admin/)"
	@$(RUN_ENV) $(PY) manage.py qcluster & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup-test  ## set up and run the whole test suite (not the browser journey)
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto} -m "not browser" $(PYTEST_ARGS)

test-browser: setup-test browser  ## the end-to-end journey in Debian's Chromium (screenshots in test-results/)
	$(PY) -m pytest -m browser -p no:xdist $(PYTEST_ARGS) tests/e2e

browser:  ## install Debian's Chromium if it is not there
	bash scripts/install-chromium.sh

# The benchmark suite (bench/run.py): PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 must answer.
BENCH_SCALE ?= 1
BENCH_SECONDS ?= 20
export BENCH_SCALE BENCH_SECONDS BENCH_COMPARE
bench: setup-test  ## benchmarks on PostgreSQL, Redis and gunicorn (BENCH_SCALE, BENCH_SECONDS, BENCH_COMPARE): bench/report.md
	$(PY) bench/run.py

messages: setup  ## refresh the Dutch catalogue after changing strings (needs gettext's xgettext)
	$(RUN_ENV) $(PY) manage.py makemessages -l nl --ignore=.venv --ignore=tests --ignore=bench --no-obsolete
	$(PY) scripts/compile_messages.py

lock:  ## refresh requirements.lock and requirements-test.lock from pyproject.toml, with hashes
	$(PYTHON) scripts/lock.py

lock-hashes:  ## keep the pinned versions, (re)write their hashes (after merging lock files)
	$(PYTHON) scripts/lock.py --hashes-only

clean:  ## remove the virtual environment, the demo database and generated files
	rm -rf $(VENV) db.sqlite3 var static_collected test-results locale/*/LC_MESSAGES/*.mo bench/report.md bench/report.json bench/report-latency.svg
