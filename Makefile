# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The locked versions (requirements/*.txt, written by `make lock` from pyproject's ranges) are
# what every install uses: here, the Dockerfile and CI. The stamp is older than either file
# after a re-lock or an edit, so the next `make` reinstalls.
LOCK := requirements/dev.txt
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet --custom-compile-command "make lock"

.PHONY: run test lint lint-check typecheck lock messages worker beat bench clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing a dependency in pyproject.toml: `make lock`, then commit requirements/.
# Keeps every pin that still fits the ranges (add --upgrade to UV_COMPILE to move them all).
lock: $(STAMP)
	$(UV_COMPILE) -o requirements/main.txt
	$(UV_COMPILE) --extra dev --constraint requirements/main.txt -o requirements/dev.txt

# Translations: collect every string of the site's own code and templates into
# locale/zh_Hans/LC_MESSAGES/django.po (new ones arrive untranslated: translate them), then
# compile the .mo the site reads. Commit both. Needs GNU gettext (apt-get install gettext).
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles \
	--ignore=media --ignore=requirements --ignore=screenshots --ignore=.celery
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale=zh_Hans --extension=html,txt,py \
		--add-location=file --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages --locale=zh_Hans $(MESSAGES_IGNORE)

# The web server and a Celery worker (with the periodic refresh) in one command; Ctrl-C stops
# both. Without REDIS_URL they share kombu's filesystem queue in .celery/ (no broker to run).
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Reading group is at http://$(HOST):$(PORT)/ (Ctrl-C stops the web server and the worker)"
	@$(BIN)/celery -A readinggroup worker --beat --pool=solo --loglevel=info & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lint-check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# mypy alone (lint-check runs it too): see README "Type checking".
typecheck: $(STAMP)
	$(BIN)/mypy

worker: $(STAMP)
	$(BIN)/celery -A readinggroup worker --loglevel=info

beat: $(STAMP)
	$(BIN)/celery -A readinggroup beat --loglevel=info

# Figures, not tests: each script prints what it measured.
bench: $(STAMP)
	$(BIN)/python bench/import_papers.py
	$(BIN)/python bench/arxiv_fetch.py
	$(BIN)/python bench/schedule_page.py
	$(BIN)/python bench/topic_suggestions.py

clean:
	rm -rf $(VENV) db.sqlite3 media .celery
