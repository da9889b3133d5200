# The two commands of the README: `make run` and `make test`.
# Everything is installed into .venv from requirements-dev.lock (which includes
# requirements.lock, the production image's pins); with no DATABASE_URL, a
# private PostgreSQL under .data/ is started on demand.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
BIND_HOST ?= 127.0.0.1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run dev serve serve-proxied nginx prepare test test-deps chromium libreoffice ocr lint format lock clean bench-import bench-export bench-search bench-proxy bench-serve wrk

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

# Migrate, collect static files and load the sample data: safe to repeat.
prepare: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_fixtures

run: prepare serve

# gunicorn alone, on BIND_HOST:PORT (deploy/gunicorn.conf.py).
serve: install
	GUNICORN_BIND=$(BIND_HOST):$(PORT) $(VENV)/bin/gunicorn --config deploy/gunicorn.conf.py dvplan.wsgi

# The production stack on this machine: nginx with deploy/nginx.conf on
# BIND_HOST:PORT, in front of gunicorn on a unix socket; Ctrl-C stops both.
serve-proxied: prepare nginx
	$(PY) deploy/proxy.py serve

# Debian's nginx, installed only when missing (as root, like Chromium below).
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx; \
	fi

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
test-deps: install chromium libreoffice ocr nginx node_modules/.installed

chromium:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=ja family 2>/dev/null | grep -q .; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk; \
	fi

# The PDF tests print workbooks to PDF as cities do (LibreOffice), rasterise one
# (poppler's pdftoppm) and read it back through OCR (OCRmyPDF with Tesseract's
# Japanese data); the importer itself needs only OCRmyPDF, and only for scans.
libreoffice:
	@if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libreoffice-calc-nogui poppler-utils; \
	fi

ocr:
	@if ! command -v ocrmypdf >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx jpn; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ocrmypdf tesseract-ocr-jpn; \
	fi

# --ignore-scripts: vnu-jar's install script would download a Java runtime;
# the system's Java runs vnu.jar.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Everything, browser tests included, on every core (pytest-xdist, set in
# pyproject.toml's addopts), then the 15 slowest tests. The quick loop while
# working: .venv/bin/python -m pytest -m "not browser"; -n 0 for one process.
test: lint test-deps
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-tests-only-not-a-secret}" $(PY) -m pytest --durations=15

# Generate a 100,000-row workbook, import it three times (median), print rows/s,
# CPU time (importing process and server), peak memory and the time per stage;
# then a 200-page PDF printed from a workbook: pages/s and peak memory.
bench-import: install libreoffice
	$(PY) benchmarks/bench_import.py
	$(PY) benchmarks/bench_import_pdf.py

# Export 300,000 statuses in every download format, print time and peak memory.
bench-export: install
	$(PY) benchmarks/bench_export.py

# 300,000 synthetic statuses with goals, directions and departments (some with predecessors);
# p50 and p95 of the search and the filter page for 1- to 6-character queries.
bench-search: install
	$(PY) benchmarks/bench_search.py

# Through `make serve-proxied`: page latency under 20 slow clients (and straight
# to gunicorn, for contrast), then the answers and log lines of a database outage.
bench-proxy: install nginx
	$(PY) benchmarks/bench_proxy.py

# Pages side by side with Datasette serving the same rows and with a static body
# of the same size under the same gunicorn settings (the ceiling), with wrk at 16
# and 64 connections; then with 300,000 synthetic statuses. Datasette goes into
# a virtualenv of its own under .data/, never into .venv.
BENCH_VENV := .data/bench-venv
bench-serve: install wrk $(BENCH_VENV)/.installed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	BENCH_DATASETTE=$(BENCH_VENV)/bin/datasette $(PY) benchmarks/bench_serve.py

$(BENCH_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet 'datasette>=0.65,<1'
	touch $@

# Debian's wrk, installed only when missing (as root, like Chromium above).
wrk:
	@if ! command -v wrk >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; \
	fi

# Re-pin from the ranges in pyproject.toml: requirements.lock holds what the
# site runs on (the image installs it alone), requirements-dev.lock the rest.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet .
	.lock-venv/bin/pip freeze --exclude dvplan > requirements.lock
	.lock-venv/bin/pip install --quiet '.[dev]' -c requirements.lock
	( echo '-r requirements.lock'; .lock-venv/bin/pip freeze --exclude dvplan \
		| grep -vxFf requirements.lock ) > requirements-dev.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) staticfiles node_modules
