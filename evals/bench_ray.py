"""Throughput of ``nianbao batch --engine ray`` with 1 and 2 local workers, beside the local engine.

    python -m evals.bench_ray [--count 2000] [--workers 1 2] [--batch-size 4] [--seed 0]

N synthetic reports (``evals.synth``, as ``make bench-batch``) go through each engine with
each worker count, into a fresh folder every time. Ray's figures are given with and without
starting the local Ray (seconds on a laptop, once per batch; a cluster is already running).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from evals.bench_batch import documents
from extractor.batch import BatchOptions, ray_engine, run_batch


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch-size", type=int, default=ray_engine.BATCH_SIZE, help="documents per map_batches call")
    ap.add_argument("--engines", nargs="+", default=["local", "ray"], choices=["local", "ray"])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    ray_engine.BATCH_SIZE = args.batch_size
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-ray-"))
    try:
        inputs = work / "in"
        inputs.mkdir()
        source, texts = documents(args.count, args.seed)
        for i, (suffix, text) in enumerate(texts):
            (inputs / f"{i:06d}{suffix}").write_text(text, encoding="utf-8")
        print(f"{args.count} documents ({source}); Ray batch size {args.batch_size}")
        for workers in args.workers:
            for engine in args.engines:
                out = work / f"out-{engine}-{workers}"
                t, cpu, tree = time.perf_counter(), _cpu(), _tree_cpu()
                start = 0.0
                if engine == "ray":  # started here, so that its start is timed apart
                    ray_engine.connect(None, workers)
                    start = time.perf_counter() - t
                summary = run_batch([str(inputs)], out, BatchOptions(backend="rules", jobs=workers, engine=engine))
                wall, cpu, tree = time.perf_counter() - t, _cpu() - cpu, _tree_cpu() - tree
                if engine == "ray":
                    ray_engine.ray.shutdown()
                run = summary["last_run"]
                n, s = run["processed"], run["seconds"]
                print(f"{engine:5} workers={workers}: {n / s['run']:6.1f} docs/s running ({s['run']:.1f} s), "
                      f"{n / wall:6.1f} docs/s end to end ({wall:.1f} s, of which starting Ray {start:.1f} s); "
                      f"CPU per doc: workers {1000 * run['worker_cpu_seconds'] / n:.2f} ms, "
                      f"batch process {1000 * cpu / n:.2f} ms, all other processes {1000 * tree / n:.2f} ms; "
                      f"{summary['documents']['ok']} ok, {summary['documents']['failed']} failed")
                shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _tree_cpu() -> float:
    """CPU seconds of the live processes below this one (the pool's workers and forkserver;
    Ray's raylet, GCS and workers), read from /proc."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    total, stack = 0.0, list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total


if __name__ == "__main__":
    main()
