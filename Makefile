# Folio. `make run` and `make test` set up whatever is missing first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test test-integration lint format typecheck audit coverage helm-check sbom install migrate seed bench bench-peer bench-soak bench-servers bench-scoped bench-writes bench-admin bench-releases bench-realtime bench-middleware clean

$(STAMP): requirements/base.txt requirements/dev.txt requirements/prod.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Folio needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## Set up and run Folio on the embedded default: web, the real-time (ASGI) process, Celery
## worker and beat. Ctrl-C stops all. FOLIO_PORT=8123 make run serves on another port
## (default 8000; Procfile.dev, the settings); the real-time process on FOLIO_REALTIME_PORT (8001).
run: seed
	@$(BIN)/python -c 'from config.settings.local import FOLIO_BASE_URL as u; \
		print(f"Folio: {u}/  admin {u}/admin/  API docs {u}/api/docs/")'
	@echo "Real time: ws://127.0.0.1:$${FOLIO_REALTIME_PORT:-8001}/ws/v1/delivery/  \
		SSE http://127.0.0.1:$${FOLIO_REALTIME_PORT:-8001}/api/v1/delivery/events/"
	$(BIN)/honcho -f Procfile.dev start

## Set up and run the whole test suite (SQLite unless DATABASE_URL is set).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

## Real services: a real Celery worker over RabbitMQ, beat on the embedded broker, PostgreSQL,
## Redis. Defaults are the services CI has on 127.0.0.1 (see tests/integration/conftest.py).
test-integration: install
	FOLIO_INTEGRATION=1 $(BIN)/pytest -m integration tests/integration $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py lint_migrations

## The Helm chart: helm lint, helm template, manifests validated offline (deploy/helm/check).
helm-check: install
	bash deploy/helm/check

## A CycloneDX SBOM of the image's pinned requirements (docs/operations.md, Releases).
SBOM ?= var/sbom/folio-requirements.cdx.json
sbom:
	test -x var/tools/sbom/bin/cyclonedx-py || ($(PYTHON) -m venv var/tools/sbom && \
		var/tools/sbom/bin/pip install --quiet -r requirements/sbom.txt)
	mkdir -p $(dir $(SBOM))
	var/tools/sbom/bin/cyclonedx-py requirements --pyproject pyproject.toml --of JSON \
		--output-reproducible --validate -o $(SBOM) requirements/prod.txt
	@echo "SBOM: $(SBOM)"

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Quality gates (docs/contributing.md): mypy with django-stubs on the services and delivery
## ([tool.mypy] in pyproject.toml); pip-audit on what the image ships; the suite with
## coverage, failing under [tool.coverage.report] fail_under.
typecheck: install
	$(BIN)/mypy

audit: install
	$(BIN)/python .ci/audit.py requirements/prod.txt

coverage: install
	@mkdir -p var
	$(BIN)/pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

clean:
	rm -rf var $(VENV)

## Benchmark the delivery API (SCALE=10000 articles; DATABASE_URL for PostgreSQL).
bench: install
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk)
	SCALE=$(or $(SCALE),10000) $(BIN)/python bench/run.py

## Folio beside Wagtail 8 (API v2 and v3) on PostgreSQL: same data, same load, ratios and the
## issue's targets (docs/benchmarks.md). Wagtail goes into var/peer-venv, never into Folio's.
bench-peer: install
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk)
	SCALE=$(or $(SCALE),10000) $(BIN)/python bench/peer/run.py

## What each middleware costs a request, in CPU µs, in one process (PATH_INFO picks the URL);
## then Wagtail's floor the same way, when make bench-peer has made its venv.
bench-middleware: install
	PATH_INFO=$(or $(PATH_INFO),/api/v1/delivery/bench-floor/) $(BIN)/python bench/middleware_cost.py
	@if [ -x var/peer-venv/bin/python ]; then echo; echo "Wagtail (bench/peer):"; \
	  PYTHONPATH=bench/peer DJANGO_SETTINGS_MODULE=peersite.settings PATH_INFO=/bench-floor/ \
	  var/peer-venv/bin/python bench/middleware_cost.py; fi

## Production's gunicorn under 50 connections for SOAK_SECONDS=300: worker restarts, any
## moment every worker was down at once, and p99 (docs/operations.md, "Worker recycling").
bench-soak: install
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk)
	SOAK_SECONDS=$(or $(SOAK_SECONDS),300) $(BIN)/python bench/soak.py

## gunicorn sync, gunicorn gthread and granian on the same runs, keep-alive and not.
bench-servers: install
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk)
	$(BIN)/python bench/servers.py

## Time writing an entry of a type defined as data against an article of the same size.
bench-writes: install
	ROUNDS=$(or $(ROUNDS),300) $(BIN)/python bench/writes.py

## Time validating, publishing and reverting a release of ITEMS=500 articles (PostgreSQL:
## DATABASE_URL).
bench-releases: install
	ITEMS=$(or $(ITEMS),500) $(BIN)/python bench/releases.py

## Real time: idle WebSocket subscribers on one daphne, memory per connection, commit-to-event
## latency (SUBSCRIBERS=1000, PUBLISHES=20; DATABASE_URL, CACHE_URL, CHANNEL_LAYER_URL).
bench-realtime: install
	SUBSCRIBERS=$(or $(SUBSCRIBERS),1000) PUBLISHES=$(or $(PUBLISHES),20) $(BIN)/python bench/realtime.py

## Time the changelist and API list for a user with 50 section grants (SCALE=100000).
bench-scoped: install
	SCALE=$(or $(SCALE),100000) $(BIN)/python bench/scoped_changelist.py

## Time the dashboard, the article changelist and the media library per role (SCALE=100000;
## PostgreSQL: DATABASE_URL).
bench-admin: install
	SCALE=$(or $(SCALE),100000) $(BIN)/python bench/admin_dashboard.py

## Outage drill: stop a private PostgreSQL under gunicorn, count what every request got and
## how long recovery took (docs/operations.md, "Outages and circuit breakers").
.PHONY: bench-outage
bench-outage: install
	OUTAGE=$(or $(OUTAGE),15) $(BIN)/python bench/outage.py
