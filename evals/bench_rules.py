"""Throughput and peak memory of the rules reader on text input.

Two figures, on the five text samples repeated, in one process on one core (CPU time):

- ``extract()``: the public pipeline with ``backend="rules"`` — loading and normalising,
  parts, metadata, template, the rules reader, the narrative reader and the validator;
- the rules reader alone: ``extractor.readers.rules.read`` on documents already loaded and
  split into parts (what this reader costs inside that pipeline).

Each is the best and the median of several rounds (a busy machine slows some rounds down),
followed by the process's peak resident memory. Usage::

    python -m evals.bench_rules [--rounds 7] [--round-seconds 1] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from extractor import extract_text
from extractor.load import load_text
from extractor.meta import read_meta
from extractor.parts import preamble_end, split_parts, tables_region
from extractor.readers import rules
from extractor.settings import Settings
from extractor.template import detect_template

SAMPLES = sorted((Path(__file__).parent / "fixtures").glob("00?_*/*.txt"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Throughput and peak memory of the rules reader on text input.")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--round-seconds", type=float, default=1.0)
    parser.add_argument("--profile", action="store_true", help="also profile extract() (20 most expensive functions)")
    args = parser.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    if not texts:
        print("no text samples found under evals/fixtures", file=sys.stderr)
        return 2
    settings = Settings(backend="rules")
    prepared = []
    for text in texts:
        doc = load_text(text)
        parts = split_parts(doc.text)
        year = read_meta(doc.text, preamble_end(parts)).year
        prepared.append((doc, parts, detect_template(tables_region(doc.text, parts), year).template))

    def pipeline() -> None:
        for text in texts:
            extract_text(text, settings)

    def reader() -> None:
        for doc, parts, template in prepared:
            rules.read(doc, parts, template)

    print(f"text input: the {len(texts)} samples of evals/fixtures, repeated; {args.rounds} rounds of "
          f"{args.round_seconds:g} s CPU each, one core")
    for name, batch in (("extract() with backend rules", pipeline), ("rules reader alone", reader)):
        best, median = _rates(batch, len(texts), args.rounds, args.round_seconds)
        print(f"{name:30} best {best:6.0f} documents/s ({1000 / best:.2f} ms/document), median {median:.0f}")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            pipeline()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return 0


def _rates(batch: Callable[[], None], size: int, rounds: int, seconds: float) -> tuple[float, float]:
    """Documents per CPU second: the best and the median round."""
    batch()  # warm-up: imports, compiled patterns, cached templates
    rates = []
    for _ in range(rounds):
        done, start = 0, time.process_time()
        while time.process_time() - start < seconds:
            batch()
            done += size
        rates.append(done / (time.process_time() - start))
    return max(rates), statistics.median(rates)


if __name__ == "__main__":
    raise SystemExit(main())
