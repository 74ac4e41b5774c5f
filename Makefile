# Both targets set themselves up: a .venv is created and the project installed into it
# the first time, and again whenever pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

BENCH_SIZES ?= 100,1000,10000

.PHONY: run test lint clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsbot

test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The benchmark (benchmarks/run.py): corpora, databases and results go to benchmarks/out/
# (git-ignored; corpora are generated once and reused). Not part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --sizes $(BENCH_SIZES)

clean:
	rm -rf $(VENV) data .mypy_cache .pytest_cache .ruff_cache benchmarks/out
