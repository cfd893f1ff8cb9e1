"""Compare a report with a baseline report, and the quality gates CI applies.

The report says what changed; :func:`gate` alone decides what fails (the validator-style
split: a report, then a policy).
"""
from __future__ import annotations

from dataclasses import dataclass

# (path in the report, which direction is better)
METRICS = (
    ("overall.accuracy", "higher"), ("overall.present_accuracy", "higher"), ("overall.absent_accuracy", "higher"),
    ("overall.mismatched", "lower"), ("overall.omitted", "lower"), ("overall.invented", "lower"),
    ("overall.silent_errors", "lower"), ("overall.ambiguous_wrong", "lower"),
    ("parts.p2.accuracy", "higher"), ("parts.p3.accuracy", "higher"), ("parts.p4.accuracy", "higher"),
    ("template.accuracy", "higher"), ("issuer.accuracy", "higher"), ("year.accuracy", "higher"),
    ("findings.recall", "higher"), ("findings.precision", "higher"),
    ("usage.per_document.llm_calls", "lower"), ("usage.per_document.tokens", "lower"),
)


def _get(report: dict, path: str):
    node = report
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def compare(report: dict, baseline: dict) -> dict:
    """Per-metric deltas, and the documents that got worse or better."""
    deltas = []
    for path, direction in METRICS:
        base, now = _get(baseline, path), _get(report, path)
        if base is None and now is None:
            continue
        delta = now - base if isinstance(base, int | float) and isinstance(now, int | float) else None
        verdict = None
        if delta is not None:
            verdict = "same" if abs(delta) < 1e-9 else "better" if (delta > 0) == (direction == "higher") else "worse"
        deltas.append({"metric": path, "baseline": base, "current": now, "delta": delta, "verdict": verdict})
    base_docs = {d["name"]: d for d in baseline.get("documents", [])}
    regressions, improvements = [], []
    for doc in report.get("documents", []):
        old = base_docs.get(doc["name"])
        if old is None:
            continue
        worse, better = _doc_changes(doc, old)
        if worse:
            regressions.append({"document": doc["name"], "reasons": worse, "newly_wrong": _newly_wrong(doc, old)})
        elif better:
            improvements.append({"document": doc["name"], "reasons": better})
    names = {d["name"] for d in report.get("documents", [])}
    return {
        "baseline_source": baseline.get("source"), "baseline_backend": baseline.get("backend"),
        "comparable": baseline.get("source") == report.get("source"),
        "deltas": deltas, "regressions": regressions, "improvements": improvements,
        "only_in_baseline": sorted(set(base_docs) - names), "new_documents": sorted(names - set(base_docs)),
    }


def _doc_changes(doc: dict, old: dict) -> tuple[list[str], list[str]]:
    worse: list[str] = []
    better: list[str] = []
    for key, label, higher in (("accuracy", "cell accuracy", True), ("invented", "invented", False),
                               ("silent_errors", "silent errors", False), ("mismatched", "mismatched", False)):
        a, b = old["cells"].get(key), doc["cells"].get(key)
        if a is None or b is None or a == b:
            continue
        text = f"{label} {_fmt(a)} → {_fmt(b)}"
        (better if (b > a) == higher else worse).append(text)
    if old["template"]["ok"] and not doc["template"]["ok"]:
        worse.append(f"template {doc['template']['gold']} read as {doc['template']['ours']}")
    if doc.get("error") and not old.get("error"):
        worse.append(f"extraction failed: {doc['error']}")
    return worse, better


def _newly_wrong(doc: dict, old: dict) -> list[str]:
    if "wrong" not in doc or "wrong" not in old:
        return []
    before = {c for cells in old["wrong"].values() for c in cells}
    return [c for cells in doc["wrong"].values() for c in cells if c not in before]


def _fmt(x) -> str:
    return f"{x:.4f}" if isinstance(x, float) else str(x)


@dataclass(frozen=True, slots=True)
class Gates:
    min_accuracy: float | None = None
    under_baseline: bool = False  # fail when accuracy drops or invented/silent errors rise
    tolerance: float = 0.0  # accuracy may drop this much (for non-deterministic backends)


def gate(report: dict, baseline: dict | None, gates: Gates) -> list[str]:
    """Messages for every gate that fails; empty when the run passes."""
    failures = []
    accuracy = report["overall"]["accuracy"]
    if gates.min_accuracy is not None and (accuracy is None or accuracy < gates.min_accuracy):
        failures.append(f"cell accuracy {_pct(accuracy)} is below --min-accuracy {_pct(gates.min_accuracy)}")
    if gates.under_baseline and baseline is not None:
        base = baseline["overall"]
        if base["accuracy"] is not None and (accuracy is None or accuracy < base["accuracy"] - gates.tolerance):
            failures.append(f"cell accuracy {_pct(accuracy)} fell below the baseline {_pct(base['accuracy'])}")
        for key, label in (("invented", "invented cells"), ("silent_errors", "silent errors")):
            if report["overall"][key] > base[key]:
                failures.append(f"{label} rose from {base[key]} to {report['overall'][key]}")
    return failures


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"
