# Two commands do everything on a fresh machine (Python 3.11+ with venv):
#   make demo   installs into .venv and runs the main job on the embedded case
#   make test   installs into .venv (with test tools) and runs lint, layers, types and tests
VENV ?= .venv
PY := $(VENV)/bin/python
CASE ?= data/luc-ngan
OUT ?= out/luc-ngan

.PHONY: demo test install bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	$(PY) -c "from planner.routing import places_kernel; places_kernel.warm()"
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/planner validate $(CASE)
	$(VENV)/bin/planner info $(CASE)
	$(VENV)/bin/planner plan $(CASE) --out $(OUT) --time-limit 30 --seed 1

test: $(VENV)/.installed
	$(VENV)/bin/ruff check planner api scenarios tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) -m pytest

clean:
	rm -rf $(VENV) out .pytest_cache
