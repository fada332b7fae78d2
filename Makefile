# Two commands: `make run` serves the site with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := app

.PHONY: run test install install-test db content serve lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

db: install
	$(BIN)/flask --app app db upgrade

content: db
	$(BIN)/flask --app app sync

run: content
	$(BIN)/flask --app app demo
	@echo "Serving on http://$(HOST):$(PORT)  (demo accounts: teacher / student1..3, password crm-demo-2026)"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --timeout 60 "app:create_app()"

# SQLite always; PostgreSQL as well when TEST_DATABASE_URL is set (.ci/run sets it).
test: install-test
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== the suite again on PostgreSQL =="; \
	  $(BIN)/python -m pytest -m "not sqlite_only and not browser" $(PYTEST_ARGS); \
	fi

lint: install
	$(BIN)/flask --app app bank lint
	$(BIN)/flask --app app courseware lint

bench: install-test
	$(BIN)/python bench/exam_load.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
