# Presales Hub — `make demo` and `make test` do all of their own set-up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEMO_SIZE ?= small
HOST ?= 127.0.0.1:8000
SIZE ?= company
DB ?= sqlite
# Tests that start real worker and web server processes (each with a database of its own).
PROCESS_TESTS := tests/test_worker_process.py
# The tests of background work: run again against Redis by `make test-queue` (REDIS_URL=redis://host:6379/N).
QUEUE_TESTS := tests/test_ops_schedule.py tests/test_ops_health.py tests/test_import_recovery.py \
	tests/test_import_files.py tests/test_import_bulk.py tests/test_wiring_work.py tests/test_logs.py

.PHONY: demo test test-queue install lint typecheck messages serve worker bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements.lock requirements-dev.lock
	$(PIP) install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

demo: install
	DJANGO_DEBUG=1 $(PY) manage.py compile_translations
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo --size $(DEMO_SIZE)
	# The web server and the task worker together (queue: a SQLite file under var/); Ctrl-C stops both.
	DJANGO_DEBUG=1 $(PY) manage.py run_web_and_worker $(HOST)

serve: install
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST)

worker: install
	DJANGO_DEBUG=1 $(PY) manage.py run_huey

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

test: export DJANGO_SETTINGS_MODULE = config.test_settings
test: install
	$(PY) manage.py compile_translations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	# The tests on the seeded small demo share one seed inside one transaction: `xdist_group("demo")` with
	# `--dist loadgroup` runs them one after the other on one worker while the other workers take the rest.
	$(VENV)/bin/pytest -n auto --dist loadgroup --ignore=tests/browser $(PROCESS_TESTS:%=--ignore=%)
	# The worker-process tests start processes of their own (a web server, workers, each with its database): their
	# own run, one process.
	$(VENV)/bin/pytest -p no:xdist $(PROCESS_TESTS)
	# Browser tests flush the database between tests (live server); they run on their own, in one process.
	$(VENV)/bin/pytest -p no:xdist tests/browser

test-queue: export DJANGO_SETTINGS_MODULE = config.test_settings
test-queue: install
	@test -n "$$REDIS_URL" || { echo "set REDIS_URL, e.g. redis://127.0.0.1:6379/2"; exit 2; }
	$(PY) manage.py compile_translations
	$(VENV)/bin/pytest -n auto $(QUEUE_TESTS)
	$(VENV)/bin/pytest -p no:xdist $(PROCESS_TESTS)

messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore=.venv
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -d djangojs -l zh_Hans --no-obsolete --no-location --ignore=.venv --ignore=staticfiles

# make bench [SIZE=department|company|enterprise] [DB=sqlite|postgres]: issue 17's page benchmark (bench/run.py).
bench: install
	$(PY) bench/run.py --size $(SIZE) --db $(DB)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache staticfiles
