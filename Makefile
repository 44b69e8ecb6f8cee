# PL Choice: two commands set everything up on a fresh machine.
#   make demo   - venv, install, start the XBlock workbench and the LTI tool (+ a demo LTI platform)
#   make test   - install what the tests need (chromium, PostgreSQL, Redis included) and run them all
#   make bench  - benchmarks: figures and ratios against baselines measured in the same run

PYTHON ?= python3.12
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test bench lint translations venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Re-install when setup.py changes; an editable install keeps the entry points (xblock.v1) registered.
$(VENV)/.installed: setup.py $(PY)
	$(PY) -m pip install -q -e ".[test]"
	touch $@

venv: $(VENV)/.installed

demo: venv
	@bash scripts/demo.sh

lint: venv
	$(BIN)/ruff check .

translations: venv
	$(PY) scripts/extract_messages.py --check

test: venv
	bash scripts/system_deps.sh
	$(BIN)/ruff check .
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

bench: venv
	$(PY) -m tests.benchmarks.run_all

clean:
	rm -rf $(VENV) var build dist *.egg-info .pytest_cache .hypothesis
