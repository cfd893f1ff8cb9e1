# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)  ## extract every bundled fixture and print a summary per document
	$(BIN)/nianbao demo evals/fixtures

test: $(STAMP)  ## the whole offline test suite (cassettes replayed, never recorded)
	$(BIN)/python -m pytest -q --record-mode=none

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

.PHONY: bench-batch
bench-batch: $(STAMP)  ## batch throughput, memory and time per stage on N synthetic reports (N=10000)
	$(BIN)/python -m evals.bench_batch --count $(or $(N),10000) --jobs $(or $(JOBS),2)
