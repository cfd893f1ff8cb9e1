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
	$(BIN)/nianbao extract evals/fixtures

test: $(STAMP)  ## the whole offline test suite (cassettes replayed, never recorded)
	$(BIN)/python -m pytest -q --record-mode=none

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

.PHONY: eval-baseline eval-synth

eval: $(STAMP)  ## score the rules reader on the gold fixtures and diff against the committed baseline
	$(BIN)/nianbao eval --backend rules --baseline evals/baseline-rules.json

eval-baseline: $(STAMP)  ## rewrite evals/baseline-rules.json from the current rules reader (commit it with the change)
	$(BIN)/nianbao eval --backend rules --quiet --write-baseline evals/baseline-rules.json

eval-synth: $(STAMP)  ## the rules reader on 1,000 generated reports, per layout and defect
	$(BIN)/nianbao eval --backend rules --synth 1000

bench-validator: $(STAMP)  ## validator: localisation of single-cell errors, recall of the gold findings
	$(BIN)/python -m evals.bench_validator

.PHONY: bench-batch
bench-batch: $(STAMP)  ## batch throughput, memory and time per stage on N synthetic reports (N=10000)
	$(BIN)/python -m evals.bench_batch --count $(or $(N),10000) --jobs $(or $(JOBS),2)

.PHONY: fuzz
fuzz: $(STAMP)  ## hostile input: N broken files (N=2000) through extract and batch, then 1,000 random text layouts
	$(BIN)/python -m evals.fuzz --count $(or $(N),2000)
	HYPOTHESIS_PROFILE=fuzz NIANBAO_FUZZ_COUNT=300 $(BIN)/python -m pytest -q tests/test_fuzz.py -p no:cacheprovider

bench: $(STAMP)  ## rules reader throughput (documents/s, one core) and peak memory on text input
	$(BIN)/python -m evals.bench_rules

# ---------------------------------------------------------------- LLM reader (docs/llm.md)
.PHONY: local-llm record

local-llm:  ## download + verify the small local model, build llama-cpp-python[server], start it
	scripts/local_llm.sh

record: $(STAMP)  ## re-record the LLM cassettes and the eval answer cache against a live endpoint
	@test -n "$$OPENAI_BASE_URL" -a -n "$$NIANBAO_MODEL" || \
	  { echo "set OPENAI_BASE_URL and NIANBAO_MODEL (make local-llm starts a local server)"; exit 2; }
	$(BIN)/python -m pytest -q -s tests/test_llm_cassettes.py --record-mode=rewrite
	$(BIN)/python scripts/warm_llm_cache.py evals/llm-cache
