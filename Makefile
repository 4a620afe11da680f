# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run serve test lint install migrate seed clean bench load

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable ".[dev]"
	touch $@

install: $(INSTALLED)

migrate: $(INSTALLED)
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py migrate --no-input

seed: migrate
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py seed

# Development server on SQLite with DEBUG on; see the README for production settings.
run: seed
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

# The production configuration on this machine: DEBUG off, collected static files served by
# WhiteNoise, gunicorn with compare_site/gunicorn.conf.py. Plain HTTP, as no TLS proxy is in front;
# set SECRET_KEY to keep sessions across restarts, DATABASE_URL and REDIS_URL to use those servers.
serve: export DEBUG = false
serve: export HTTPS ?= false
serve: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export SECRET_KEY ?= $(shell $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')
serve: $(INSTALLED)
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed
	$(BIN)/gunicorn --config compare_site/gunicorn.conf.py --bind 127.0.0.1:8000

test: $(INSTALLED)
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest

# Load benchmark under gunicorn + wrk (apt-get install wrk), then the scoring micro-benchmark; see
# bench/README.md. SQLite by default; the production shape, PostgreSQL + Redis, with:
#   createdb -h 127.0.0.1 -U postgres compare_bench
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/compare_bench REDIS_URL=redis://127.0.0.1:6379/1 make bench
bench: $(INSTALLED)
	@command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/run.py
	$(BIN)/pytest bench/test_scoring_speed.py --benchmark-only --benchmark-columns=min,median,max,rounds -p no:playwright

# 60 s of wrk at 64 connections against gunicorn, PostgreSQL and Redis: no 5xx, no socket errors.
load: $(INSTALLED)
	@command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/load.py

lint: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
