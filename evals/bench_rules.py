"""Throughput and peak memory of the rules reader on text input.

Runs the public pipeline (``extract`` on each sample's text, backend ``rules``: loading,
normalising, parts, template, the rules reader and the validator) over the five text
samples, repeated, in one process on one core. Prints documents per CPU second for the best
and the median of several rounds (a busy machine slows some rounds down), the time per
document, and the process's peak resident memory. Usage::

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
from pathlib import Path

from extractor import extract
from extractor.settings import Settings

SAMPLES = sorted((Path(__file__).parent / "fixtures").glob("00?_*/*.txt"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Throughput and peak memory of the rules reader on text input.")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--round-seconds", type=float, default=1.0)
    parser.add_argument("--profile", action="store_true", help="also print the 20 most expensive functions")
    args = parser.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    if not texts:
        print("no text samples found under evals/fixtures", file=sys.stderr)
        return 2
    settings = Settings(backend="rules")
    for text in texts:  # warm-up: imports, compiled patterns, cached templates
        extract(text, settings)
    rates, total = [], 0
    wall_start = time.perf_counter()
    for _ in range(args.rounds):
        done, start = 0, time.process_time()
        while time.process_time() - start < args.round_seconds:
            for text in texts:
                extract(text, settings)
            done += len(texts)
        rates.append(done / (time.process_time() - start))
        total += done
    wall = time.perf_counter() - wall_start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    best, median = max(rates), statistics.median(rates)
    print(f"rules reader via extract() on text: {total} documents ({len(texts)} samples repeated), "
          f"{args.rounds} rounds, {wall:.1f} s wall")
    print(f"throughput (one core, CPU time): best round {best:.0f} documents/s ({1000 / best:.2f} ms/document), "
          f"median {median:.0f} documents/s")
    print(f"peak memory (max RSS): {peak_mib:.1f} MiB")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            for text in texts:
                extract(text, settings)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
