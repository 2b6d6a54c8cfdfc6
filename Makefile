# Front door. `make report` and `make test` work on a fresh clone with only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/sample/acme-it
OUT    := outputs

.PHONY: install report audit test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/readiness report $(SAMPLE) --out $(OUT)

audit: $(STAMP)
	$(BIN)/readiness audit $(SAMPLE) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_audit.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_pull.py

clean:
	rm -rf $(VENV) $(OUT)/*/
