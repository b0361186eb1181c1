# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 8000
export PORT

.PHONY: run serve install install-dev translations migrate content index test test-fast extract-messages update-messages messages bench clean

run: install translations migrate content index serve

serve:
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d translations -f --statistics

migrate: install
	$(FLASK) db upgrade

content: install
	$(FLASK) load-content

index: install
	$(FLASK) search ensure

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k N_plural:1,2 -k count_words:1,2 -k kept_gettext -k _l -o translations/messages.pot --no-location --omit-header --sort-output .

update-messages: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap \
		--ignore-obsolete --ignore-pot-creation-date

# After changing UI strings: extract and merge into the catalogs, then translate the new entries in
# translations/zh/LC_MESSAGES/messages.po (any .po editor) and compile. The test suite fails while a
# zh entry is empty or fuzzy.
messages: update-messages translations

# Test tools from npm (the Nu HTML checker); without npm those tests skip locally (CI has npm).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm not found: the HTML validity test will be skipped"; fi

test: install-dev translations node_modules/.installed
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install-dev translations
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) search_index/*/ instance/*.db
