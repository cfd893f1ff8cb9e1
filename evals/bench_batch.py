"""Benchmark ``nianbao batch`` on the rules backend: documents/s, peak memory, time per stage.

    python -m evals.bench_batch [--count 10000] [--jobs 2] [--seed 0] [--workdir DIR]

Documents come from the synthetic report generator ``evals.synth`` when it is installed,
otherwise from copies of the five bundled sample texts with their table numbers
perturbed at random. Memory should not grow with --count: compare two counts.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from extractor.batch import BatchOptions, run_batch

SAMPLES = sorted((Path(__file__).parent / "fixtures").glob("00?_*/*.txt"))
_TABLE_NUMBER = re.compile(r"(?<=\t)\d+(?=\t|$)", re.M)


def documents(count: int, seed: int) -> tuple[str, Iterator[tuple[str, str]]]:
    """A description of the source, and ``(suffix, text)`` per document."""
    try:
        from evals import synth
    except ImportError:
        return "perturbed copies of the 5 sample texts", _perturbed_samples(count, seed)
    return "evals.synth", ((doc.suffix, doc.text) for doc in synth.generate(count, seed=seed))


def _perturbed_samples(count: int, seed: int) -> Iterator[tuple[str, str]]:
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    for i in range(count):
        text = _TABLE_NUMBER.sub(lambda m: str(rng.randrange(0, 60)), texts[i % len(texts)])
        yield ".txt", f"{text}\n（基准副本 {i}）\n"  # distinct bytes even where no number changed


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, help="kept afterwards (default: a temporary folder, removed)")
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    inputs, out = work / "in", work / "out"
    try:
        source, texts = documents(args.count, args.seed)
        t = time.perf_counter()
        for old in (inputs, out):  # a reused --workdir starts clean
            shutil.rmtree(old, ignore_errors=True)
        inputs.mkdir(parents=True)
        for i, (suffix, text) in enumerate(texts):
            (inputs / f"{i:06d}{suffix}").write_text(text, encoding="utf-8")
        print(f"generated {args.count} documents ({source}) in {time.perf_counter() - t:.1f} s")
        cpu = {"start": _cpu()}

        def on_outcome(outcome, done, total):
            if done == total:
                cpu["run"] = _cpu()

        t = time.perf_counter()
        summary = run_batch([str(inputs)], out, BatchOptions(backend="rules", jobs=args.jobs, force=True), on_outcome)
        wall = time.perf_counter() - t
        cpu["end"] = _cpu()
        parent_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the validate timing loads results
        report(summary, wall, parent_kb, cpu, _validate_ms(out), args)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(summary: dict, wall: float, parent_kb: int, cpu: dict, validate_ms: float | None, args) -> None:
    run, docs = summary["last_run"], summary["documents"]
    s = run["seconds"]
    n = max(run["processed"], 1)
    print(f"documents: {run['processed']} processed ({docs['ok']} ok, {docs['failed']} failed), jobs={args.jobs}")
    print(f"throughput: {run['processed'] / s['run']:.0f} docs/s extracting and writing ({s['run']:.1f} s); "
          f"{run['processed'] / wall:.0f} docs/s end to end with discovery and export ({wall:.1f} s)")
    workers, export_workers = run["worker_cpu_seconds"], run.get("export_worker_cpu_seconds", 0.0)
    parent_run = cpu.get("run", cpu["end"]) - cpu["start"]
    parent_export = cpu["end"] - cpu.get("run", cpu["end"])
    print(f"CPU per document: extraction workers {1000 * workers / n:.2f} ms, export workers "
          f"{1000 * export_workers / n:.2f} ms, batch process {1000 * parent_run / n:.2f} ms discovering and "
          f"scheduling + {1000 * parent_export / n:.2f} ms writing the tables")
    # Wall-clock figures depend on what else the machine runs; CPU time much less.
    cores = min(args.jobs, len(os.sched_getaffinity(0)))
    total = workers + export_workers + parent_run + parent_export
    print(f"  → {1000 * total / n:.2f} ms of CPU per document in all: at most about {n * cores / total:.0f} docs/s "
          f"on {cores} otherwise idle cores")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    worker_mib = run["worker_maxrss_kb"] / 1024
    print(f"peak memory: batch process {parent_kb / 1024:.0f} MiB, largest worker {worker_mib:.0f} MiB"
          f" (RUSAGE_CHILDREN {children / 1024:.0f} MiB: workers of the forkserver are not our direct children)")
    print("stages (worker stages summed over documents, across workers):")
    for stage in ("discover", "load", "extract", "serialise", "write", "export"):
        per_doc = f"  {1000 * s[stage] / n:6.2f} ms/doc" if stage not in ("discover", "export") else ""
        print(f"  {stage:10} {s[stage]:8.2f} s{per_doc}")
    if validate_ms is not None:
        print(f"  (validate, inside extract: {validate_ms:.2f} ms/doc, timed apart on up to 200 results)")


def _validate_ms(out: Path, sample: int = 200) -> float | None:
    from extractor.validate import validate
    from schemas import Result

    keys = sorted(p.stem for p in (out / "results").glob("*.json"))[:sample]
    if not keys:
        return None
    loaded = [(Result.model_validate_json((out / "results" / f"{k}.json").read_bytes()),
               (out / "texts" / f"{k}.txt").read_text(encoding="utf-8")) for k in keys]
    t = time.perf_counter()
    for result, text in loaded:
        validate(result, text)
    return 1000 * (time.perf_counter() - t) / len(loaded)


if __name__ == "__main__":
    main()
