"""The rules reader on generated reports, against the floors in evals/synth-threshold.json.

Prints accuracy per layout (run with ``-s`` to see it, or ``make eval-synth`` for the full report).
"""
import json
import time

from evals.cases import synth_cases
from evals.report import build_report
from evals.run import run
from extractor import Settings
from tests.conftest import ROOT

THRESHOLDS = json.loads((ROOT / "evals" / "synth-threshold.json").read_text(encoding="utf-8"))


def test_rules_reader_on_generated_reports():
    t = THRESHOLDS
    started = time.perf_counter()
    docs = run(synth_cases(t["documents"], t["seed"]), Settings(backend=t["backend"]))
    report = build_report(docs, backend=t["backend"], source="synthetic", detail=False, started=started,
                          nianbao="test")
    overall, layouts = report["overall"], report["groups"]["layout"]
    print(f"\nsynthetic ({t['documents']} reports, seed {t['seed']}, {report['run']['seconds']} s): "
          f"accuracy {overall['accuracy']:.4f}, invented {overall['invented']}, silent {overall['silent_errors']}")
    for name, c in layouts.items():
        print(f"  {name:6} {c['documents']:4} docs  accuracy {c['accuracy']:.4f}  invented {c['invented']}")
    assert len(report["errors"]) <= t["max_errors"], report["errors"][:5]
    assert overall["accuracy"] >= t["min_accuracy"]
    for name, floor in t["min_accuracy_by_layout"].items():
        assert layouts[name]["accuracy"] >= floor, name
    if t["max_invented"] is not None:
        assert overall["invented"] <= t["max_invented"]
    if t["max_silent_errors"] is not None:
        assert overall["silent_errors"] <= t["max_silent_errors"]
