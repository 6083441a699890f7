# Two commands: `make run` (dashboard on demo data) and `make test` (everything CI checks).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test lint system-deps demo

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py

test: $(VENV)/.dev system-deps
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m ruff check .

demo: $(VENV)/.runtime
	$(PY) -m pitwall demo

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian packages the browser tests need: Chromium, driven by Playwright.
system-deps:
	@sh scripts/system-deps.sh
