"""The LLM backends on the 84-report corpus, replayed offline from the recorded answer cache.

``evals/corpus/llm-cache`` holds a real local model's answers (``make record-corpus``); no
request is made here. The figures are those ``make eval-llm`` prints.
"""
from __future__ import annotations

from functools import cache

import pytest

from evals.llm_eval import ROOT, endpoint, evaluate

CORPUS, CACHE = ROOT / "corpus", ROOT / "corpus" / "llm-cache"
HIGH = 0.9  # the confidence from which a value must be right at least 99% of the time


@cache
def figures(backend: str) -> tuple[dict, list[dict]]:
    return evaluate(backend, CORPUS, CACHE, endpoint(CACHE)["model"])


def present(line: dict) -> tuple[int, int]:
    right, of = line["present"].split("/")
    return int(right), int(of)


@pytest.mark.parametrize("backend", ["hybrid", "llm"])
def test_every_request_is_answered_from_the_recorded_cache(backend):
    line, _ = figures(backend)
    assert line["uncached"] == 0 and line["failed"] == 0
    assert line["docs_asking"] > 0 and line["tokens_per_doc"] > 0


@pytest.mark.parametrize("backend", ["hybrid", "llm"])
def test_a_model_backend_is_never_worse_than_the_rules(backend):
    rules, _ = figures("rules")
    line, _ = figures(backend)
    assert present(line)[1] == present(rules)[1]
    assert present(line)[0] >= present(rules)[0]
    assert line["silent"] == 0
    if backend == "hybrid":
        assert line["invented"] == 0


@pytest.mark.parametrize("backend", ["rules", "hybrid", "llm"])
def test_high_confidence_values_are_right_at_least_99_percent_of_the_time(backend):
    _, bands = figures(backend)
    high = [b for b in bands if float(b["band"].strip("[").split(",")[0]) >= HIGH]
    cells = sum(b["cells"] for b in high)
    assert cells > 0 and sum(b["correct"] for b in high) >= 0.99 * cells
