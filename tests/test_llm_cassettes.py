"""The LLM reader against a real OpenAI-compatible server, replayed from recorded cassettes.

The cassettes in ``tests/cassettes/test_llm_cassettes/`` were recorded from a real server
by ``make record`` (see docs/llm.md); ``make test`` replays them with ``--record-mode=none``
and nothing reaches the network. ``llm_endpoint.json`` beside them says which model and
endpoint they were recorded from (no key: the Authorization header is filtered).

To re-record: ``OPENAI_BASE_URL=… NIANBAO_MODEL=… make record``.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from extractor import extract_document
from extractor.errors import EndpointError
from extractor.readers.hybrid import read_hybrid, read_llm
from extractor.readers.llm import read
from extractor.readers.llm.openai_compat import OpenAICompatible
from extractor.readers.llm.prompts import load_prompt
from extractor.readers.llm.tasks import compact, task_for
from extractor.settings import Settings
from schemas.llm import P4Answer
from tests.conftest import ROOT, recording
from tests.llm_support import document, gold, gold_reading, llm_settings

S000, S001, S003, S004 = ("000_964c95048e543ea8", "001_9a2f7be38055e01f", "003_589bf4f08d70f012",
                          "004_a0c7fabfdf456585")


def _http_requests(cassette) -> int:
    """Requests that went over HTTP so far: recorded ones when recording, replayed ones when not."""
    return cassette.play_count if cassette.record_mode == "none" else len(cassette.requests)


def _no_ok_cell_without_a_value_in_the_document(result_cells: dict, name: str) -> None:
    truth = gold(name)["cells"]
    for cid, cell in result_cells.items():
        if truth[cid] is None:
            assert cell.status != "ok", f"{cid}: not in the document, yet {cell.value} is ok"


def _score(cells: dict, name: str) -> dict:
    truth = gold(name)["cells"]
    right = sum(cells[c].value == v for c, v in truth.items())
    invented = sum(v is None and cells[c].value is not None for c, v in truth.items())
    return {"cells": len(truth), "right": right, "invented": invented}


@pytest.mark.vcr
def test_full_llm_extraction_of_a_2019_sample_with_a_re_ask(endpoint, vcr):
    doc, _ = document(S000)  # 表二 complete, 表三 cut after 6 rows, part 四 missing
    result = extract_document(doc, Settings(backend="llm", llm=llm_settings(endpoint)))
    usage = result.provenance.usage
    print("\n000:", _score(result.cells, S000), usage)
    assert result.provenance.model == endpoint["model"]
    assert result.provenance.prompts == {"p2": "p2_2019.v1", "p3": "p3.v1"}
    # The model filled two rows the truncated 表三 does not have; the answer was refused and
    # the model re-asked with the rows named (p2, p3, p3 again). It gave the same answer: that
    # is kept, grounded, so its six real rows count and the invented rows are dropped.
    assert usage.llm_calls == 3 and usage.failed_attempts == 2
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    reask = json.dumps(json.loads(vcr.requests[2].body)["messages"], ensure_ascii=False)
    assert "原文中没有这些行" in reask and "（七）总计" in reask
    checks = {f.check for f in result.findings}
    assert {"llm.uncorrected", "llm.invented"} <= checks
    invented = result.cells["p3.outcome_total.total"]
    assert invented.value is None and invented.status == "missing"
    assert invented.readings == {"rules": None, "llm": 0}
    assert all(result.cells[f"p3.partly_disclosed.{c}"].status == "ok" for c in ("natural_person", "total"))
    _no_ok_cell_without_a_value_in_the_document(result.cells, S000)
    assert all(c.value is None for cid, c in result.cells.items() if cid.startswith("p4."))
    ok = {cid: c for cid, c in result.cells.items() if c.status == "ok"}
    assert ok and all(c.span for c in ok.values())
    assert sum(c.reader == "hybrid" for c in ok.values()) > len(ok) / 2, "most values read alike by both"
    assert result.cells["p2.procurement.amount"].value == 308.7


@pytest.mark.vcr
def test_full_llm_extraction_of_a_2021_sample(endpoint):
    doc, _ = document(S004)  # 表三 header only; 表四's row sits under 表三 without a heading
    result = extract_document(doc, Settings(backend="llm", llm=llm_settings(endpoint)))
    usage = result.provenance.usage
    print("\n004:", _score(result.cells, S004), usage)
    assert result.provenance.prompts == {"p2": "p2_2021.v1", "p3": "p3.v1", "p4": "p4.v1"}
    assert usage.llm_calls == 3
    _no_ok_cell_without_a_value_in_the_document(result.cells, S004)
    assert all(c.value is None for cid, c in result.cells.items() if cid.startswith("p3.")), \
        "表三 has no body: every cell missing, never 0"
    p4 = [c for cid, c in result.cells.items() if cid.startswith("p4.")]
    # the row holds 15 zeros; the model copied 14 and left the last null: its null does not
    # overwrite the rules reader's 0, read at its place in the text
    assert [c.value for c in p4] == [0] * 15
    assert all(c.status == "ok" and c.span and c.reader == "hybrid" for c in p4[:14])
    assert p4[14].status == "ok" and p4[14].reader == "rules"
    assert result.cells["p2.licensing.decisions"].value == 10


@pytest.mark.vcr
def test_a_cache_hit_makes_no_http_request(endpoint, vcr, tmp_path):
    doc, parts = document(S004)
    s = llm_settings(endpoint).model_copy(update={"cache_dir": tmp_path})
    first = read(doc, parts, "2021", s, only=("p2",))
    assert first.usage.llm_calls == 1 and _http_requests(vcr) == 1
    again = read(doc, parts, "2021", s, only=("p2",))
    assert _http_requests(vcr) == 1, "the second run sent an HTTP request"
    assert again.usage.llm_calls == 0 and again.usage.tokens == 0 and again.usage.cache_hits == 1
    assert again.usage.cached_tokens == first.usage.tokens
    assert {c: x.value for c, x in again.cells.items()} == {c: x.value for c, x in first.cells.items()}


@pytest.mark.vcr
def test_http_500_is_retried_then_falls_back_to_the_rules_reading(endpoint):
    # llama.cpp's server answers response_format=json_schema with HTTP 500, every time.
    # (The name is the cassette's: a 500 past the retries now fails the document, no fallback.)
    doc, parts = document(S003)
    s = llm_settings(endpoint, mode="json_schema", max_retries=2)
    waits: list[float] = []
    backend = OpenAICompatible(s, sleep=waits.append)
    prompt = load_prompt("p4.v1")
    text = compact(doc.text[slice(*task_for("p4", "2019").span(doc.text, parts))], 15)
    with pytest.raises(EndpointError, match="HTTP 500") as failure:
        backend.complete("p4", prompt.render(text=text, numbers=10), P4Answer, max_tokens=prompt.max_tokens)
    assert failure.value.usage.llm_calls == 3 and failure.value.usage.failed_attempts == 3
    assert len(waits) == 2 and all(w > 0 for w in waits)

    rules = gold_reading(S003, p4__review__upheld=0)  # stands in for the rules reader
    with pytest.raises(EndpointError, match="HTTP 500"):  # the document fails: never passed off as read
        read_llm(doc, parts, "2019", Settings(backend="llm", llm=s), rules, backend=backend)


@pytest.fixture
def rate_limited(request, endpoint):
    """The endpoint behind scripts/ratelimit_proxy.py when recording (a real 429 needs a server
    that sends one; local model servers never do). Replaying needs no proxy."""
    if not recording(request.config):
        yield endpoint["base_url"]
        return
    upstream = urlsplit(endpoint["base_url"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proxy = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "ratelimit_proxy.py"), "--port", str(port),
                              "--upstream", f"{upstream.scheme}://{upstream.netloc}", "--every", "2"])
    try:
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}{upstream.path}"
    finally:
        proxy.terminate()
        proxy.wait(10)


@pytest.mark.vcr
def test_http_429_is_retried_after_the_servers_retry_after(request, endpoint, rate_limited):
    doc, parts = document(S004)
    s = llm_settings(endpoint).model_copy(update={"base_url": rate_limited})
    waits: list[float] = []
    live = recording(request.config)

    def sleep(seconds: float) -> None:  # the proxy's bucket only refills in real time
        waits.append(seconds)
        if live:
            time.sleep(seconds)

    reading = read(doc, parts, "2021", s, backend=OpenAICompatible(s, sleep=sleep), only=("p4",))
    assert reading.failed == {}
    assert reading.usage.llm_calls == 2 and reading.usage.failed_attempts == 1
    assert len(waits) == 1 and waits[0] >= 2, "Retry-After: 2 was not honoured"
    assert [c.value for cid, c in reading.cells.items() if cid.startswith("p4.")] == [0] * 14 + [None]


@pytest.mark.vcr
def test_hybrid_asks_only_about_the_part_the_rules_got_wrong(endpoint):
    doc, parts = document(S003)
    # a rules reading whose 表四 breaks H4 (总计 1 for four zeros); 表二 and 表三 are complete
    rules = gold_reading(S003, p4__suit_direct__total=1)
    reading = read_hybrid(doc, parts, "2019", Settings(backend="hybrid", llm=llm_settings(endpoint)), rules)
    print("\n003 hybrid:", reading.usage, reading.prompts)
    assert reading.prompts == {"p4": "p4.v1"} and reading.usage.llm_calls == 1
    fixed = reading.cells["p4.suit_direct.total"]
    assert fixed.value == 0 and fixed.readings == {"rules": 1, "llm": 0} and fixed.status == "ok"
    agreed = reading.cells["p4.suit_after_review.total"]
    assert agreed.reader == "hybrid" and agreed.confidence > rules.cells["p4.suit_after_review.total"].confidence
    assert reading.cells["p3.new_received.total"] is rules.cells["p3.new_received.total"]

