"""CI gate: the rules backend on the gold fixtures must not fall below the committed baseline.

After an intended change in accuracy, rewrite the baseline with ``make eval-baseline`` and
commit it with the change (the diff of evals/baseline-rules.json shows what moved).
"""
import json
import time

from evals.cases import load_fixtures
from evals.compare import Gates, gate
from evals.report import build_report
from evals.run import run
from extractor import Settings
from tests.conftest import ROOT

BASELINE = ROOT / "evals" / "baseline-rules.json"


def test_rules_backend_holds_the_committed_baseline():
    started = time.perf_counter()
    docs = run(load_fixtures(), Settings(backend="rules"))
    report = build_report(docs, backend="rules", source="fixtures: evals/fixtures", detail=True,
                          started=started, nianbao="test")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert baseline["backend"] == "rules"
    assert [d["name"] for d in baseline["documents"]] == [d.name for d in docs], \
        "the fixtures changed since the baseline was written: run `make eval-baseline`"
    failures = gate(report, baseline, Gates(under_baseline=True))
    assert not failures, "; ".join(failures) + " (see `make eval`)"
    assert report["errors"] == [], "a fixture failed to extract"
