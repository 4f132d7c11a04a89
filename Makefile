# One command each, on a fresh machine: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := build/demo.db
PO := src/kundenpflege/locale/de/LC_MESSAGES/kundenpflege.po
MO := $(PO:.po=.mo)

.PHONY: demo test test-postgres test-slow lint bench catalog clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Installing compiles the catalogs too (setup.py); this catches later edits of the .po.
$(MO): $(PO) $(STAMP)
	$(BIN)/python tools/catalog.py compile

# After changing a user-facing string: adds it to the .po for translation.
catalog: $(STAMP)
	$(BIN)/python tools/catalog.py

demo: $(STAMP) $(MO)
	@mkdir -p build
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/kundenpflege --db $(DEMO_DB) demo
	@echo
	$(BIN)/kundenpflege --db $(DEMO_DB) due --limit 15
	@echo
	$(BIN)/kundenpflege --db $(DEMO_DB) impressions --last 2 --limit 6
	@echo
	$(BIN)/kundenpflege --db $(DEMO_DB) --lang de faellig --limit 5
	@echo
	@echo "Try more:  $(BIN)/kundenpflege --db $(DEMO_DB) --help"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools setup.py
	$(BIN)/ruff format --check src tests benchmarks tools setup.py
	$(BIN)/mypy src

# Both engines (issue 17): the journal as a file, then each test's journal on a
# throwaway PostgreSQL server the tests start themselves (tests marked file_only skip).
test: lint $(MO)
	$(BIN)/pytest -q -m "not slow"
	$(MAKE) test-postgres

test-postgres: $(STAMP) $(MO)
	KUNDENPFLEGE_TEST_ENGINE=postgresql $(BIN)/pytest -q -m "not slow"

test-slow: $(STAMP) $(MO)
	$(BIN)/pytest -q -m slow

bench: $(STAMP) $(MO)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
