# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint install migrate seed clean bench

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

test: $(INSTALLED)
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Load benchmark under gunicorn + wrk (apt-get install wrk), then the scoring micro-benchmark.
bench: $(INSTALLED)
	@command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/run.py
	$(BIN)/pytest bench/test_scoring_speed.py --benchmark-only --benchmark-columns=min,median,max,rounds -p no:playwright

lint: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
