# The two commands of the README: `make run` and `make test`. Both create and reuse .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARTICLE ?= fixtures/articles/rudaw-nato-iraq.txt

.PHONY: run test setup lint record bench

run: setup  ## summarize the seed article with the embedded model
	$(VENV)/bin/newsbrief summarize $(ARTICLE)

test: setup  ## the whole test suite (replayed calls, plus the live embedded-model tests)
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy src

# Each article in a new process with no saved prefix states: the recordings do not depend on
# what ran on this machine before.
record: setup  ## re-record the fixture calls for every fixture article (real model runs)
	for article in fixtures/articles/*.txt; do \
	  NEWSBRIEF_PREFIX_CACHE=off $(VENV)/bin/newsbrief summarize "$$article" --fixtures record --format json > /dev/null || exit 1; \
	done

bench: setup  ## newsbrief vs LangExtract vs naive Instructor on the fixture articles (bench/README.md)
	$(PY) -m pip install --quiet --progress-bar off -c constraints.txt -e '.[local,dev,bench]'
	$(PY) bench/run.py

setup: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# llama-cpp-python compiles from source here (about 5 minutes on 2 cores, once).
$(STAMP): pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet --progress-bar off -c constraints.txt -e '.[local,dev]'
	touch $@
