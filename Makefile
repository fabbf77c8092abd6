# Two commands for a newcomer: `make run` and `make test`. Both start with `make setup`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs with DEBUG on (development key, console e-mail); production sets its own environment.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: setup run test test-browser browser messages lock clean help

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	touch $@

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

# compilemessages runs without the settings (django-admin walks the tree for locale/ folders),
# so setup works before any environment variable is set.
setup: $(VENV)/.installed  ## create .venv, install the pinned dependencies, compile the Dutch catalogue
	test ! -d locale || env -u DJANGO_SETTINGS_MODULE $(VENV)/bin/django-admin compilemessages --ignore=.venv -v0

run: setup  ## set up, migrate, add demo content and start the portal with a task worker
	$(RUN_ENV) $(PY) manage.py migrate --no-input -v0
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "Portal: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@$(RUN_ENV) $(PY) manage.py qcluster & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup  ## set up and run the whole test suite (not the browser journey)
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto} -m "not browser" $(PYTEST_ARGS)

test-browser: setup browser  ## the end-to-end journey in Debian's Chromium (screenshots in test-results/)
	$(PY) -m pytest -m browser -p no:xdist $(PYTEST_ARGS) tests/e2e

browser:  ## install Debian's Chromium if it is not there
	bash scripts/install-chromium.sh

messages:  ## refresh the Dutch catalogue after changing strings
	$(RUN_ENV) $(PY) manage.py makemessages -l nl --ignore=.venv --ignore=tests --ignore=bench --no-obsolete
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore=.venv

lock: setup  ## refresh requirements.lock from pyproject.toml
	mkdir -p var && $(PY) -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(d["dependencies"] + d["optional-dependencies"]["test"]))' > var/requirements.in
	$(PIP) install --quiet --upgrade -r var/requirements.in && $(PIP) freeze > requirements.lock

clean:  ## remove the virtual environment, the demo database and generated files
	rm -rf $(VENV) db.sqlite3 var static_collected test-results
