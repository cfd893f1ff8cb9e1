"""The eval report: one JSON-able dict built from document scores.

Everything a later run compares against is deterministic for a deterministic backend; what
varies from run to run (timings, the date) sits under ``"run"`` and in each document's
``"seconds"``, which :func:`baseline_view` drops.
"""
from __future__ import annotations

import platform
import time
from collections import Counter
from datetime import datetime, timezone

from evals.calibration import bands, risk_coverage
from evals.findings import FindingsScore
from evals.score import PARTS, DocScore, total

REPORT_VERSION = 1
SILENT_LIST_LIMIT = 200
_USAGE = ("llm_calls", "prompt_tokens", "completion_tokens", "failed_attempts", "cache_hits", "cached_tokens")


def build_report(docs: list[DocScore], *, backend: str, source: str, detail: bool, started: float,
                 nianbao: str) -> dict:
    """``detail`` keeps each document's wrong cell ids (for regressions); synthetic runs leave them out."""
    outcomes = [o for d in docs for o in d.outcomes]
    findings = FindingsScore()
    for d in docs:
        findings.add(d.findings)
    silent = [o for o in outcomes if o.silent]
    seconds = time.perf_counter() - started
    return {
        "version": REPORT_VERSION,
        "backend": backend,
        "source": source,
        "documents_count": len(docs),
        "overall": {**total(d.tally for d in docs).as_dict(), "extra_values": sum(len(d.extra_values) for d in docs)},
        "parts": {p: total(d.parts[p] for d in docs).as_dict() for p in PARTS},
        **{key: _meta_accuracy(docs, key) for key in ("template", "issuer", "year")},
        "findings": {
            "expected": findings.expected, "recalled": findings.recalled, "recall": _r(findings.recall),
            "reported": findings.reported, "confirmed": findings.confirmed, "precision": _r(findings.precision),
            "missed": dict(Counter(findings.missed).most_common()),
            "unexpected": dict(Counter(findings.unexpected).most_common()),
        },
        "calibration": {"bands": bands(outcomes), "risk_coverage": risk_coverage(outcomes)},
        "silent_errors": {"count": len(silent), "cells": [_silent(o) for o in silent[:SILENT_LIST_LIMIT]]},
        "usage": _usage(docs),
        "errors": [{"document": d.name, "error": d.error} for d in docs if d.error],
        "groups": _groups(docs),
        "documents": [_document(d, detail) for d in docs],
        "run": {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "seconds": round(seconds, 2),
                "documents_per_second": round(len(docs) / seconds, 2) if seconds else None,
                "nianbao": nianbao, "python": platform.python_version()},
    }


def baseline_view(report: dict) -> dict:
    """The report without what changes between identical runs (timings, dates)."""
    out = {k: v for k, v in report.items() if k != "run"}
    out["documents"] = [{k: v for k, v in d.items() if k != "seconds"} for d in report["documents"]]
    return out


def _r(x: float | None) -> float | None:
    return round(x, 6) if x is not None else None


def _meta_accuracy(docs: list[DocScore], key: str) -> dict:
    wrong = [d.name for d in docs if not d.meta_ok(key)]
    total = len(docs)
    return {"correct": total - len(wrong), "total": total,
            "accuracy": _r((total - len(wrong)) / total) if total else None, "wrong": wrong}


def _silent(o) -> dict:
    return {"document": o.doc, "cell": o.cell, "gold": o.gold, "ours": o.ours, "raw": o.raw,
            "status": o.status, "confidence": o.confidence, "ambiguous": o.ambiguous}


def _usage(docs: list[DocScore]) -> dict:
    totals = {k: sum(int(d.usage.get(k) or 0) for d in docs) for k in _USAGE}
    cost = [d.usage.get("cost_usd") for d in docs if d.usage.get("cost_usd") is not None]
    n = len(docs) or 1
    per_doc = {k: round(v / n, 2) for k, v in totals.items()}
    per_doc["tokens"] = round((totals["prompt_tokens"] + totals["completion_tokens"]) / n, 1)
    return {**totals, "cost_usd": round(sum(cost), 4) if cost else None, "per_document": per_doc}  # type: ignore[arg-type]  # None filtered out


def _groups(docs: list[DocScore]) -> dict:
    """Counts per tag value (layout, feature, template…), for keys with more than one value."""
    members: dict[str, dict[str, list[DocScore]]] = {}
    for d in docs:
        for key, value in d.tags.items():
            for v in (value if isinstance(value, tuple | list) else (value,)):
                members.setdefault(key, {}).setdefault(str(v), []).append(d)
    out = {}
    for key, by_value in members.items():
        if len(by_value) > 1:
            out[key] = {v: {"documents": len(ds), **total(d.tally for d in ds).as_dict()}
                        for v, ds in sorted(by_value.items())}
    return out


def _document(d: DocScore, detail: bool) -> dict:
    entry = {
        "name": d.name,
        **{key: {"gold": gold, "ours": ours, "ok": d.meta_ok(key)} for key, (gold, ours) in d.meta.items()},
        "cells": d.tally.as_dict(),
        "parts": {p: d.parts[p].as_dict()["accuracy"] for p in PARTS},
        "findings": {"expected": d.findings.expected, "recalled": d.findings.recalled,
                     "reported": d.findings.reported, "confirmed": d.findings.confirmed,
                     "missed": d.findings.missed, "unexpected": d.findings.unexpected},
        "usage": {k: d.usage.get(k, 0) for k in _USAGE},
        "error": d.error,
        "extra_values": len(d.extra_values),
        "tags": {k: list(v) if isinstance(v, tuple) else v for k, v in d.tags.items()},
        "seconds": round(d.seconds, 3),
    }
    if detail:
        entry["wrong"] = {kind: [o.cell for o in d.outcomes if not o.ambiguous and o.kind == kind]
                          for kind in ("mismatched", "omitted", "invented")}
        entry["wrong"]["ambiguous"] = [o.cell for o in d.outcomes if o.ambiguous and o.wrong]  # type: ignore[index,assignment]  # entry['wrong'] is the dict set above
    return entry
