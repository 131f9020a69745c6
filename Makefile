# corroborator: the two commands of the quick start are `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
OUT     ?= corroborator-out
PIP     := $(BIN)/pip --disable-pip-version-check -q

.PHONY: setup demo test test-fast test-slow eval eval-check browser-deps bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(PIP) install -e ".[test]" 2>&1 | grep -v -e "is ignored" -e "^$$" || true
	$(BIN)/python -c "import corroborator, spacy, duckdb, onnxruntime" 
	touch $(STAMP)

## demo: set up, analyse the bundled example story, print where the report is
demo: setup
	$(BIN)/corroborator analyze examples/harbour-fire --out $(OUT); test $$? -le 3
	@echo "Report: $(abspath $(OUT))/report.html   Ledger: $(abspath $(OUT))/ledger.json"

## browser-deps: Debian's Chromium for the browser tests (never a downloaded browser)
browser-deps:
	@if [ -x /usr/bin/chromium ]; then echo "chromium present"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; browser tests will be skipped"; \
	else echo "warning: chromium missing and not root; browser tests will be skipped"; fi

## test: set up, run the test suite, then the evaluations gated on their floors
test: setup browser-deps
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory eval-check

test-fast: setup
	$(BIN)/pytest -q -m "not slow and not browser"

test-slow: setup
	$(BIN)/pytest -q -m slow

## eval: print every evaluation's figures (needs ../shared/data; each skips cleanly without it)
eval: setup
	$(BIN)/python eval/run_all.py

eval-check: setup
	$(BIN)/python eval/run_all.py --check

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(OUT) .pytest_cache test-artifacts
