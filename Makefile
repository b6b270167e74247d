# Unscripted. `make html` builds the site, `make test` runs every test;
# `make help` lists everything else. Needs Python 3.11+ and make.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BUILD := _build
# Strict: a broken reference or any warning (ABlog's included) fails the build.
# Parallel reading and writing wherever the machine has more than one core.
JOBS := $(shell [ "$$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -gt 1 ] && echo "-j auto")
SPHINXOPTS ?= -n -W --keep-going $(JOBS)
# Reproducible builds: where a date is needed, it is the last commit's.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

.DEFAULT_GOAL := help
.PHONY: help html serve post import check test bench lock audit card-fonts clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

html: $(BIN)/.build-deps ## Build the site into _build/html (published only if the whole build succeeds)
	@# `python -m sphinx` is sphinx-build; as a module, the card workers it spawns do not import it again
	$(BIN)/python -m sphinx -b html $(SPHINXOPTS) -d $(BUILD)/doctrees . $(BUILD)/html
	@echo "Built: $(BUILD)/html/index.html"

PORT ?= 8000
serve: $(BIN)/.build-deps ## Live preview, drafts and scheduled essays included, on http://127.0.0.1:8000/
	SITE_URL=http://127.0.0.1:$(PORT)/ UNSCRIPTED_PREVIEW=1 PYTHONDONTWRITEBYTECODE=1 \
	$(BIN)/sphinx-autobuild -b html $(SPHINXOPTS) -d $(BUILD)/preview-doctrees \
		--host 127.0.0.1 --port $(PORT) \
		$(foreach dir,.git .venv _build node_modules tests benchmarks,--ignore $(dir)) \
		--re-ignore '/__pycache__/|\.pyc$$|\.sw[px]$$|~$$|/\.\#' \
		. $(BUILD)/preview

# The title reaches the command through the environment, never through the shell's parser.
export TITLE SLUG
post: $(BIN)/.build-deps ## Start a new essay (a draft): make post TITLE="The title" [SLUG=its-url]
	$(BIN)/python -m unscripted.new_post "$$TITLE" --slug "$$SLUG"

# The folder reaches the command through the environment, never through the shell's parser.
export FROM
import: $(BIN)/.build-deps ## Move an ABlog blog in: make import FROM=path/to/its/docs (the folder with its conf.py)
	@test -n "$$FROM" || { echo 'Give the old site'"'"'s source folder: make import FROM=path/to/its/docs'; exit 2; }
	$(BIN)/python -m unscripted.importer "$$FROM"

check: $(BIN)/.test-deps ## The fast checks: lint, the pure core, one small in-process build (well under a minute)
	$(BIN)/python -m pytest -m fast

test: $(BIN)/.test-deps node_modules/.package-lock.json ## Run the whole test suite (sets up everything it needs)
	tests/install-tools.sh
	$(BIN)/python -m pytest

ESSAYS ?= 1000
BENCHFLAGS ?=
bench: $(BIN)/.test-deps ## Time ESSAYS generated essays against plain Sphinx, sizes, one search [BENCHFLAGS=--profile]
	$(BIN)/python -m benchmarks.run --essays $(ESSAYS) $(BENCHFLAGS)

lock: $(BIN)/.test-deps ## Re-pin requirements*.txt (with hashes) from requirements*.in
	$(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes --no-header \
		--annotation-style line -q requirements.in -o requirements.txt
	$(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes --no-header \
		--annotation-style line -q requirements-test.in -o requirements-test.txt

audit: $(BIN)/.test-deps ## Check the locked requirements for known vulnerabilities (needs PyPI's JSON API)
	$(BIN)/pip-audit --strict --require-hashes --disable-pip -r requirements.txt -r requirements-test.txt

card-fonts: $(BIN)/.test-deps ## Regenerate the card fonts (unscripted/fonts) and check the web fonts, from pinned npm packages
	@command -v npm >/dev/null || tests/install-tools.sh
	$(BIN)/python tools/build_card_fonts.py --web

clean: ## Remove the build output (keeps the virtual environment)
	rm -rf $(BUILD)

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || tests/install-tools.sh
	npm ci --ignore-scripts --no-audit --no-fund

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Unscripted needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(BIN)/.build-deps: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(BIN)/.test-deps: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt -r requirements-test.txt
	touch $@ $(BIN)/.build-deps
