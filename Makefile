# Two commands: `make run` (dashboard on demo data) and `make test` (everything CI checks).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test fuzz lint system-deps runtime-deps demo

run: $(VENV)/.runtime runtime-deps
	$(PY) -m streamlit run app.py

# The tests' files (warehouses, loads, builds) go to memory where the machine has a tmpfs:
# DuckDB syncs every file it writes, and the tests that load most ran an eighth faster
# without those waits. Removed after the run, passed or failed.
TEST_TMP := $(if $(wildcard /dev/shm/.),/dev/shm/pitwall-tests-$(shell id -u))

test: $(VENV)/.dev system-deps
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadfile $(if $(TEST_TMP),--basetemp=$(TEST_TMP)); \
		status=$$?; $(if $(TEST_TMP),rm -rf $(TEST_TMP);) exit $$status

# The hypothesis properties of tests/test_fuzz.py with many random examples (the "fuzz"
# profile of tests/conftest.py), apart from `make test`, which runs them derandomized. A
# failure prints its example: add it to the test as an @example.
fuzz: $(VENV)/.dev
	$(PY) -m pytest tests/test_fuzz.py -p no:cacheprovider --hypothesis-profile=fuzz \
		--hypothesis-show-statistics

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

# Debian packages: Pango for the PDF report, Java for the build on Spark; Chromium too for the
# browser tests.
runtime-deps:
	@sh scripts/system-deps.sh runtime

system-deps:
	@sh scripts/system-deps.sh test
