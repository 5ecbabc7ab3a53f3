# Two commands: `make reproduce` (set up, then the whole workflow) and `make test`.
VENV ?= .venv
CORES ?= 8

.PHONY: reproduce test

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

reproduce: $(VENV)/.installed
	$(VENV)/bin/snakemake --cores $(CORES)

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest
