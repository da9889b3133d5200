# The two commands of the README: `make run` and `make test`.
# Everything is installed into .venv from requirements.lock; with no
# DATABASE_URL, a private PostgreSQL under .data/ is started on demand.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
BIND_HOST ?= 127.0.0.1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run dev serve prepare test test-deps chromium lint format lock clean bench-import bench-export bench-search

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

# Migrate, collect static files and load the sample data: safe to repeat.
prepare: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_fixtures

run: prepare serve

serve: install
	$(VENV)/bin/gunicorn dvplan.wsgi --preload --workers 2 --bind $(BIND_HOST):$(PORT) \
		--access-logfile - --forwarded-allow-ips "" --no-control-socket

dev: prepare
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The browser tests drive Debian's Chromium (with a Japanese font, so the
# screenshots show real glyphs) and use two checkers from package.json:
# axe-core and the Nu Html Checker. Chromium is installed only when missing;
# if it cannot be installed, the run stops here rather than skipping tests.
test-deps: install chromium node_modules/.installed

chromium:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=ja family 2>/dev/null | grep -q .; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk; \
	fi

# --ignore-scripts: vnu-jar's install script would download a Java runtime;
# the system's Java runs vnu.jar.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Everything, browser tests included, then the 15 slowest tests. The quick loop
# while working: .venv/bin/python -m pytest -m "not browser"
test: lint test-deps
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-tests-only-not-a-secret}" $(PY) -m pytest --durations=15

# Generate a 100,000-row workbook, import it, print rows/s and peak memory.
bench-import: install
	$(PY) benchmarks/bench_import.py

# Export 300,000 statuses in every download format, print time and peak memory.
bench-export: install
	$(PY) benchmarks/bench_export.py

# 300,000 synthetic statuses; p50 and p95 search latency for 1-, 2- and 6-character queries.
bench-search: install
	$(PY) benchmarks/bench_search.py

# Re-pin requirements.lock from the ranges in pyproject.toml.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[dev]'
	.lock-venv/bin/pip freeze --exclude dvplan > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) staticfiles node_modules
