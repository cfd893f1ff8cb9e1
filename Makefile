# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,ocr,ray]'
	touch $(STAMP)

demo: $(STAMP)  ## extract every bundled fixture and print a summary per document
	$(BIN)/nianbao extract evals/fixtures

test: lint  ## ruff and mypy first, then the whole offline test suite (cassettes replayed, never recorded)
	$(BIN)/python -m pytest -q --record-mode=none

LINT_STAMP := $(VENV)/.lint-installed
$(LINT_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,lint]'
	touch $(LINT_STAMP)

.PHONY: lint
lint: $(LINT_STAMP)  ## ruff and mypy (config and the few ignores, each with its reason, in pyproject.toml)
	$(BIN)/ruff check extractor schemas evals tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

.PHONY: eval-baseline eval-synth eval-corpus

eval: $(STAMP)  ## score the rules reader on the gold fixtures and diff against the committed baseline
	$(BIN)/nianbao eval --backend rules --baseline evals/baseline-rules.json

eval-baseline: $(STAMP)  ## rewrite evals/baseline-rules.json from the current rules reader (commit it with the change)
	$(BIN)/nianbao eval --backend rules --quiet --write-baseline evals/baseline-rules.json

eval-corpus: $(STAMP)  ## the rules reader on the 84 real reports of evals/corpus, per layout class
	$(BIN)/nianbao eval --backend rules --fixtures evals/corpus --out out/eval-corpus

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

.PHONY: bench-ray
bench-ray: $(STAMP)  ## --engine ray beside the local engine, 1 and 2 local workers, on N synthetic reports (N=1000)
	$(BIN)/python -m evals.bench_ray --count $(or $(N),1000)

bench: $(STAMP)  ## documents/s, ms per PDF page per engine, CLI start-up, batch memory at two sizes (BASE=tree: before/after)
	$(BIN)/python -m evals.bench $(if $(BASE),--base $(BASE)) $(if $(SIZES),--sizes $(SIZES))

bench-rules: $(STAMP)  ## rules reader throughput (documents/s, one core) and peak memory on text input
	$(BIN)/python -m evals.bench_rules
	$(BIN)/python -m evals.bench_cli

.PHONY: bench-glued
bench-glued: $(STAMP)  ## glued cells: share of cells right per table, silent errors, time per report (N=1000)
	$(BIN)/python -m evals.bench_glued --count $(or $(N),1000)

# ---------------------------------------------------------------- LLM reader (docs/llm.md)
.PHONY: local-llm record record-corpus eval-llm

local-llm:  ## download + verify the small local model, build llama-cpp-python[server], start it
	scripts/local_llm.sh

record: $(STAMP)  ## re-record the LLM cassettes and the eval answer cache against a live endpoint
	@test -n "$$OPENAI_BASE_URL" -a -n "$$NIANBAO_MODEL" || \
	  { echo "set OPENAI_BASE_URL and NIANBAO_MODEL (make local-llm starts a local server)"; exit 2; }
	$(BIN)/python -m pytest -q -s tests/test_llm_cassettes.py --record-mode=rewrite
	$(BIN)/python scripts/warm_llm_cache.py evals/fixtures evals/llm-cache

record-corpus: $(STAMP)  ## record the model's answers for the 84 corpus reports (hybrid, then llm) into evals/corpus/llm-cache
	@test -n "$$OPENAI_BASE_URL" -a -n "$$NIANBAO_MODEL" || \
	  { echo "set OPENAI_BASE_URL and NIANBAO_MODEL (make local-llm starts a local server)"; exit 2; }
	$(BIN)/python scripts/warm_llm_cache.py evals/corpus evals/corpus/llm-cache

eval-llm: $(STAMP)  ## rules, hybrid and llm on the corpus from the recorded answers, offline: one key=value line each
	$(BIN)/python -m evals.llm_eval

# ---------------------------------------------------------------- nianbao serve (docs/serve.md)
.PHONY: serve serve-screenshot

serve: $(STAMP)  ## start the HTTP service and web page on 127.0.0.1:8000 (data in ./nianbao-data)
	$(BIN)/nianbao serve

serve-screenshot: $(STAMP)  ## run the browser test and keep its screenshot as docs/img/serve.png (needs chromium)
	NIANBAO_SCREENSHOT=docs/img/serve.png $(BIN)/python -m pytest -q tests/test_serve_browser.py

# ---------------------------------------------------------------- OCR of scans (docs/ocr.md)
.PHONY: bench-ocr eval-ocr ocr-fixtures

ocr-fixtures: $(STAMP)  ## image-only renderings of the real PDFs (150–200 dpi, turned, blurred) in out/ocr-fixtures
	$(BIN)/python -m evals.ocr_fixtures out/ocr-fixtures

eval-ocr: ocr-fixtures  ## score the OCR path on those renderings against the real PDFs' gold
	$(BIN)/nianbao eval --backend rules --fixtures out/ocr-fixtures --out out/eval-ocr

bench-ocr: $(STAMP)  ## OCR seconds per page on one core, and peak memory
	$(BIN)/python -m evals.bench_ocr
