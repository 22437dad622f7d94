# Two commands for people (`make run`, `make test`); the rest are their building blocks.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-12)

export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home
export FINSAM_LANDING ?= $(CURDIR)/data/landing
export FINSAM_WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb
export FINSAM_CONFIG ?= $(CURDIR)/data/config/insatser.yml

DEMO_PARTICIPANTS ?= 3000
DEMO_SEED ?= 42
DAGSTER_PORT ?= 3000
DASHBOARD_PORT ?= 8501

.PHONY: help setup manifest demo pipeline run test lint browser pdf-tools bench clean

help:
	@echo "make run       set up, generate the demo landing, run the pipeline, serve Dagster UI and dashboard"
	@echo "make test      set up and run the whole test suite"
	@echo "make pipeline  one complete pipeline run (exit non-zero if anything failed)"
	@echo "make bench     benchmarks at 1k..1M participants, writes BENCHMARKS.md"
	@echo "make lint      ruff and sqlfluff"

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# The dbt manifest, parsed only when the dbt project's content changed (pipelines/defs/dbt/project.py).
manifest: setup
	$(PY) -m pipelines.defs.dbt.project

$(DAGSTER_HOME)/dagster.yaml: pipelines/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp pipelines/dagster.yaml $@

# The demo writes its configuration to FINSAM_CONFIG, where the pipeline reads it.
demo: setup
	@if [ -d "$(FINSAM_LANDING)/arende" ]; then \
		echo "Demo landing already in $(FINSAM_LANDING)"; \
	else \
		$(PY) -m pipelines.demo --participants $(DEMO_PARTICIPANTS) --seed $(DEMO_SEED) \
			--out $(FINSAM_LANDING); \
	fi

pipeline: manifest $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pipelines.run

run: demo pipeline
	@echo ""
	@echo "Dagster UI:  http://localhost:$(DAGSTER_PORT)"
	@echo "Dashboard:   http://localhost:$(DASHBOARD_PORT)"
	@echo "Ctrl-C stops both."
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(DAGSTER_PORT) & \
	$(VENV)/bin/streamlit run dashboards/streamlit_app.py --server.headless true --client.toolbarMode=viewer \
		--server.address 127.0.0.1 --server.port $(DASHBOARD_PORT) & \
	wait

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The PDF report's test reads the PDF back with poppler's pdftotext and pdftoppm (the PDF
# itself needs no system fonts: it embeds the Vera font that ships with reportlab).
pdf-tools:
	@command -v pdftoppm >/dev/null || (apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null)

# Two workers (the machine's cores; a third was measured slower); tests/conftest.py
# schedules what shares a build together; the slowest tests are listed at the end, for
# tests/conftest.py's LONGEST_GROUPS and the 15-minute budget.
test: manifest browser pdf-tools
	$(PY) -m pytest -n 2 --durations=25

# sqlfluff's dbt templater compiles the project: against a throwaway work DB and target
# folder, so lint never opens the real work file nor rewrites dbt_project/target.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	scratch="$$(mktemp -d)"; trap 'rm -rf "$$scratch"' EXIT; \
	cd dbt_project && \
	FINSAM_WORK_DB="$$scratch/lint_work.duckdb" DBT_TARGET_PATH="$$scratch/target" \
	DBT_LOG_PATH="$$scratch/logs" DBT_SEND_ANONYMOUS_USAGE_STATS=false \
	$(CURDIR)/$(VENV)/bin/sqlfluff lint models macros snapshots tests --processes 1

bench: manifest browser $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pipelines.bench

clean:
	rm -rf data/warehouse.duckdb data/work data/dagster_home
