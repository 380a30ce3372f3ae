# One command per chore. `make run` and `make test` are the two the README promises.
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
# pytest rewrites the asserts of every test module before running it (about 18 s of CPU
# per run on this workplace's slower machine, 5 December) and keeps it in __pycache__, but
# not when PYTHONDONTWRITEBYTECODE is set, as it is in this workplace's environment.
# Allowed here, every run after a clone's first (CI's browser and PostgreSQL runs
# included) reads it back.
PYTEST := PYTHONDONTWRITEBYTECODE= $(VENV)/bin/pytest

# `make run` is the local site: dev settings (SQLite in var/), DEBUG off so the real
# error pages show, gunicorn as in production.
RUN_ENV := DJANGO_SETTINGS_MODULE=healthsite.settings.dev DJANGO_DEBUG=0

.PHONY: install run serve setup test test-outside test-postgres screenshots bench bench-scale bench-scale-postgres bench-review bench-publishing bench-publishing-postgres drill observatory lint format messages migrations-check clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

# Everything `run` needs before the server starts; safe to repeat, keeps existing data.
setup: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install -y gettext)"; exit 1; }
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	$(RUN_ENV) $(PY) manage.py compilemessages -v0
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(RUN_ENV) $(PY) manage.py load_content
	$(RUN_ENV) $(PY) manage.py seed_demo

run: setup serve

serve:
	$(RUN_ENV) $(VENV)/bin/gunicorn healthsite.wsgi -c healthsite/gunicorn.conf.py --bind $(HOST):$(PORT)

# The default selection (pyproject.toml): everything but the browser and HTML-checker
# tests, with no network.
test: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install -y gettext)"; exit 1; }
	$(PY) manage.py compilemessages -v0
	$(PYTEST) $(PYTEST_ARGS)

# What the default selection leaves out: Chromium (browser tests, axe-core, Lighthouse
# installed with npm, screenshots) and the W3C Nu HTML Checker (installed with npm, run
# with Java). CI runs it.
test-outside: install
	$(PY) manage.py compilemessages -v0
	$(PYTEST) -m "browser or html_checker" $(PYTEST_ARGS)

# The same suite against a throwaway PostgreSQL cluster and a Redis server on loopback
# (needs root or postgres); it includes the two-host test (tests/test_multihost.py).
# Browser tests drive the same pages as on SQLite: they run once, in `make test-outside`.
test-postgres: install
	scripts/with-services $(MAKE) test PYTEST_ARGS="$(PYTEST_ARGS)"

# Refresh the README's screenshots (the browser tests take them into a temporary folder).
screenshots: install
	$(PY) manage.py compilemessages -v0
	HEALTHSITE_SCREENSHOTS=docs/screenshots $(PYTEST) -m browser tests/test_browser.py -k screenshots

# req/s, p50, p99 of each page type (gunicorn, then Varnish) beside nginx and WhiteNoise
# static files, with wrk; worker memory. Not in CI: machine-dependent.
bench: install
	$(PY) manage.py compilemessages -v0
	$(PY) scripts/bench.py

# The same table on a corpus grown by N synthetic topics in four languages (scripts/scale.py):
# the seed corpus's render times and p50 first, then load and approval time, database size
# per 1,000 topics, and the pages beside the seed p50 (targets checked, exit 1 on a miss).
N ?= 10000
bench-scale: install
	$(PY) manage.py compilemessages -v0
	$(PY) scripts/bench.py --topics $(N)

# Issue 20's PostgreSQL targets: cold renders before and after N synthetic topics and the
# search plan straight after the load, in a throwaway cluster (scripts/bench_scale_postgres.py).
bench-scale-postgres: install
	$(PY) manage.py compilemessages -v0
	scripts/with-services $(PY) scripts/bench_scale_postgres.py --topics $(N)

# The review workbench's pages (queue, review, planning, a reviewer's 30 days) on a corpus
# grown by N synthetic topics: p50 under 200 ms and their query counts (exit 1 on a miss).
bench-review: install
	$(PY) manage.py compilemessages -v0
	$(PY) scripts/bench_review.py --topics $(N)

# The public site under load while a reviewer approves every 2 s (scripts/bench_publishing.py):
# >= 200 URLs, 16 connections, gunicorn and Varnish, with and without approvals, hit ratios
# in both caches, and the cost of a page-cache store at 49,000 entries. Not in CI.
bench-publishing: install
	$(PY) manage.py compilemessages -v0
	$(PY) scripts/bench_publishing.py

# The same with the site on PostgreSQL (a throwaway cluster, scripts/with-services).
bench-publishing-postgres: install
	$(PY) manage.py compilemessages -v0
	scripts/with-services sh -c '$(PY) scripts/bench_publishing.py --database-url "$$DATABASE_URL"'

# Restore drill during the publishing benchmark's load (issue 26): backup mid-run, /metrics
# scraped during it, restored into an empty database and compared (scripts/drill.py).
drill: install
	$(PY) manage.py compilemessages -v0
	$(PY) scripts/drill.py

# Mozilla HTTP Observatory's score of three pages, production settings behind TLS on
# loopback (needs node and npm; installs the scanner into var/observatory). CI runs it.
observatory: install
	$(PY) scripts/observatory.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py update_catalogues
	$(PY) manage.py compilemessages

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
