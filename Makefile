# The two set-up commands of the README: `make serve` and `make test`.
# Each creates .venv when it is missing and installs what it needs into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

serve: $(VENV)/.installed
	$(BIN)/sinch-mock serve $(ARGS)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run_all.py

# The screenshots of docs/sandbox.md, taken from the real console in Debian's Chromium.
screenshots: $(VENV)/.installed-test
	$(BIN)/python scripts/console_screenshots.py docs/img

clean:
	rm -rf $(VENV)
