# MedGen Atlas task runner. `make help` lists the targets; CI calls the same ones.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
TORCH_VERSION ?= 2.13.0
ENGINE ?= mkdocs
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: help venv test test-fast lint validate schema site serve stats demo-figures bench browser-deps clean

help: ## List the targets with what they do
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, pinned to the CPU build: a bare `torch` requirement would pull a multi-GB CUDA build
	$(PIP) install --quiet "torch==$(TORCH_VERSION)"
	$(PIP) install --quiet -e ".[search,demos,dev]" "torch==$(TORCH_VERSION)"
	@touch $@

venv: $(VENV)/.installed ## Create .venv with every dependency (torch CPU first), when missing or stale

browser-deps: ## Install Debian's chromium for the browser tests (needs root; skipped when present)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: install Debian's chromium package to run the browser tests"; fi; }

lint: venv ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy tools demos

validate: venv ## Validate the catalog (every problem as path:line: field: message)
	$(PY) -m tools validate

schema: venv ## Regenerate the JSON Schema files in catalog/schemas/
	$(PY) -m tools schema

stats: venv ## Coverage report of the catalog
	$(PY) -m tools stats

test: venv browser-deps ## Lint, validate and run the whole test suite (what CI runs)
	$(MAKE) lint
	$(PY) -m tools validate
	$(PY) -m pytest -q

FAST_TESTS := tests/tools --ignore=tests/tools/search

test-fast: venv ## Catalog, site and importer tests without torch (fails if torch is imported; prints its time)
	@TIMEFORMAT='test-fast: %R s wall'; time $(PY) -m pytest -q -p tests.support.torch_guard -m "not slow and not browser" $(FAST_TESTS)

site: venv ## Build the static site into site/ (ENGINE=mkdocs or zensical)
	$(PY) -m tools render --out build/docs
ifeq ($(ENGINE),zensical)
	$(VENV)/bin/zensical build --clean -f mkdocs.yml
else
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet
endif

serve: venv ## Serve the site on http://127.0.0.1:8000/medgen-atlas/ (site_url's path; re-renders when the catalog changes)
	$(PY) -m tools render --out build/docs
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

demo-figures: venv ## Regenerate the demos' committed figures from a fixed seed (a few CPU minutes)
	$(PY) -m demos.ct_synthesis figure --out catalog/demos/figures/ct-synthesis.png --seed 0
	$(PY) -m demos.xray_report figure --out catalog/demos/figures/xray-report.png --seed 0

bench: venv ## Run every benchmark script (prints tables; slow, not part of make test)
	@for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean: ## Remove build outputs (keeps .venv)
	rm -rf build site .pytest_cache .mypy_cache .ruff_cache
