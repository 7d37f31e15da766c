# citybrand-kg — `make demo` builds the bundled seed reply and serves it; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install demo build test eval bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

build: install
	$(BIN)/citybrand-kg build --out out

demo: build
	$(BIN)/citybrand-kg serve out/graph.trig --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/python bench/evaluate_dev.py

bench: install
	$(BIN)/python bench/evaluate_dev.py
	$(BIN)/python bench/bench_extraction.py
	$(BIN)/python bench/bench_coldstart.py

lint: install
	$(BIN)/python -m pip install --quiet ruff mypy
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

clean:
	rm -rf out test-artifacts .pytest_cache
