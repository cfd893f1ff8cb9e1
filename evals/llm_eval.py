"""``make eval-llm``: the rules, hybrid and llm backends on a gold set, from recorded answers.

    python -m evals.llm_eval [--fixtures evals/corpus] [--cache evals/corpus/llm-cache]

Offline: every model answer comes from the answer cache that ``scripts/warm_llm_cache.py``
filled from a real endpoint (``endpoint.json`` in the cache names the model). A part with no
recorded answer is not guessed: it falls back to the rules reading, flagged, and the line
says how many documents that hit (``uncached=``). One line per backend, key=value:

    <backend> present_acc=… invented=… silent=… tokens_per_doc=… seconds_per_doc=… …

``tokens_per_doc`` and ``seconds_per_doc`` are what the recorded answers cost when they were
made (tokens spent, seconds waited for the model), plus the local run's own time; then the
calibration table: for each backend, how often a value in each confidence band is right.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evals.calibration import bands
from evals.cases import load_fixtures
from evals.run import run
from evals.score import Tally, total
from extractor.settings import LLMSettings, Settings

ROOT = Path(__file__).resolve().parent
BACKENDS = ("rules", "hybrid", "llm")


def endpoint(cache: Path) -> dict:
    try:
        return json.loads((cache / "endpoint.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SystemExit(f"{cache}/endpoint.json not found: record the answers first (make record-corpus)") from None


def offline(backend: str, cache: Path, model: str) -> Settings:
    """Settings that answer every model request from ``cache``, never from an endpoint."""
    return Settings(backend=backend, llm=LLMSettings(model=model, offline=True, cache_dir=cache))


def evaluate(backend: str, fixtures: Path, cache: Path, model: str, only: set[str] | None = None
             ) -> tuple[dict, list[dict]]:
    """The backend's figures on the gold set (``only``: these documents), and its calibration bands."""
    docs = run([c for c in load_fixtures(fixtures) if only is None or c.name in only], offline(backend, cache, model))
    tally = total(Tally.of(d.outcomes) for d in docs)
    n = max(len(docs), 1)
    usage = lambda key: sum(float(d.usage.get(key) or 0) for d in docs)  # noqa: E731
    tokens = usage("prompt_tokens") + usage("completion_tokens") + usage("cached_tokens")
    seconds = sum(d.seconds for d in docs) + usage("seconds") + usage("cached_seconds")
    line = {
        "present_acc": f"{tally.present_correct / max(tally.present, 1):.4f}",
        "present": f"{tally.present_correct}/{tally.present}",
        "invented": tally.invented,
        "silent": tally.silent_errors,
        "mismatched": tally.mismatched,
        "tokens_per_doc": round(tokens / n),
        "seconds_per_doc": f"{seconds / n:.2f}",
        "docs_asking": sum(1 for d in docs if (d.usage.get("llm_calls") or 0) + (d.usage.get("cache_hits") or 0)),
        "uncached": sum(1 for d in docs if d.usage.get("cache_misses")),
        "failed": sum(1 for d in docs if d.error),
        "docs": len(docs),
    }
    return line, bands([o for d in docs for o in d.outcomes])


def recorded(fixtures: Path, cache: Path, model: str) -> set[str]:
    """The documents for which neither LLM backend misses an answer in the cache."""
    out = None
    for backend in ("hybrid", "llm"):
        names = {d.name for d in run(load_fixtures(fixtures), offline(backend, cache, model))
                 if not d.usage.get("cache_misses")}
        out = names if out is None else out & names
    return out or set()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.llm_eval", description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", type=Path, default=ROOT / "corpus")
    ap.add_argument("--cache", type=Path, default=ROOT / "corpus" / "llm-cache")
    ap.add_argument("--backend", action="append", choices=BACKENDS, help="only these (default: all three)")
    ap.add_argument("--recorded-only", action="store_true",
                    help="score only the documents whose every request (hybrid and llm) is in the cache")
    a = ap.parse_args(argv)
    model = endpoint(a.cache)["model"]
    only = recorded(a.fixtures, a.cache, model) if a.recorded_only else None
    if only is not None:
        print(f"documents whose every request is in the cache: {len(only)}")
    tables = {}
    for backend in a.backend or BACKENDS:
        line, table = evaluate(backend, a.fixtures, a.cache, model, only)
        tables[backend] = table
        print(backend, " ".join(f"{k}={v}" for k, v in line.items()), flush=True)
    print(f"\ncalibration (model {model}): cells with a value, right / all, per confidence band")
    print(f"{'band':12}" + "".join(f"{b:>22}" for b in tables))
    for i, band in enumerate(next(iter(tables.values()))):
        cells = [t[i] for t in tables.values()]
        print(f"{band['band']:12}" + "".join(
            f"{c['correct']:>9}/{c['cells']:<5} {'' if c['accuracy'] is None else format(c['accuracy'], '.4f'):>6}"
            for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
