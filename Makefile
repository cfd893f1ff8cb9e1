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

# ---------------------------------------------------------------- LLM reader (docs/llm.md)
.PHONY: local-llm record

local-llm:  ## download + verify the small local model, build llama-cpp-python[server], start it
	scripts/local_llm.sh

record: $(STAMP)  ## re-record the LLM cassettes and the eval answer cache against a live endpoint
	@test -n "$$OPENAI_BASE_URL" -a -n "$$NIANBAO_MODEL" || \
	  { echo "set OPENAI_BASE_URL and NIANBAO_MODEL (make local-llm starts a local server)"; exit 2; }
	$(BIN)/python -m pytest -q -s tests/test_llm_cassettes.py --record-mode=rewrite
	$(BIN)/python scripts/warm_llm_cache.py evals/llm-cache
