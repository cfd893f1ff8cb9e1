"""Batch runs: many reports into one results folder, resumable, every input accounted for.

    discover (expand INPUTs, hash, group duplicates) → skip what is done → run (pool,
    timeouts) → store (one result or error record per document, written atomically)
    → export (long/wide cells, findings, cross-year checks, inputs, summary)

Public API::

    from extractor.batch import BatchOptions, run_batch
    summary = run_batch(["reports/"], Path("out"), BatchOptions(jobs=4))
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from extractor.batch.discover import check_out, discover
from extractor.batch.export import export_tables
from extractor.batch.ratelimit import TokenBucket
from extractor.batch.run import run_jobs
from extractor.batch.store import ResultsFolder
from extractor.batch.outcome import Outcome
from extractor.errors import EndpointDown
from extractor.load import shown_path
from extractor.settings import Backend, Settings

__all__ = ["BatchOptions", "Outcome", "run_batch"]

_DOWN_AFTER = 3  # documents in a row failing with EndpointDown stop the batch


@dataclass(slots=True)
class BatchOptions:
    backend: Backend = "auto"
    jobs: int | None = None  # None: one per CPU core (rules), 4 (llm, hybrid)
    timeout: float | None = 120.0  # seconds per document
    force: bool = False  # re-extract documents that already have a result
    llm_rps: float | None = None  # documents started per second on llm/hybrid backends


def run_batch(inputs: Sequence[str], out: Path, options: BatchOptions | None = None,
              on_outcome: Callable[[Outcome, int, int], None] | None = None) -> dict:
    """Run a batch into ``out`` and return its summary (also written to ``out/summary.json``).

    ``on_outcome(outcome, done, total)`` is called after each document is stored.
    Raises :class:`~extractor.errors.InputError` for an INPUT that matches nothing or a
    folder another batch holds, :class:`~extractor.errors.ConfigError` for unusable settings.
    """
    options = options or BatchOptions()
    settings = Settings(backend=options.backend)
    threads = settings.resolved_backend() in ("llm", "hybrid")
    workers = options.jobs or (4 if threads else len(os.sched_getaffinity(0)))
    check_out(list(inputs), Path(out))
    folder = ResultsFolder(Path(out))
    with folder.locked():
        started = perf_counter()
        found = discover(list(inputs), exclude=folder.root)
        stats = _RunStats(seconds={"discover": perf_counter() - started}, ignored_files=found.ignored)
        done_before = set() if options.force else folder.settled()
        todo = [job for job in found.jobs if job.key not in done_before]
        stats.skipped = len(found.jobs) - len(todo)
        rate = TokenBucket(options.llm_rps) if threads and options.llm_rps else None
        down = 0  # documents in a row whose model endpoint could serve no request at all
        outcomes = run_jobs(todo, settings, workers=workers, timeout=options.timeout, save=folder.save,
                            threads=threads, rate=rate)
        for outcome in outcomes:
            if not outcome.saved:
                t = perf_counter()
                folder.save(outcome)
                outcome.seconds["write"] = perf_counter() - t
            stats.add(outcome)
            if on_outcome:
                on_outcome(outcome, stats.processed, len(todo))
            down = down + 1 if (outcome.message or "").startswith(EndpointDown.__name__) else 0
            if down >= _DOWN_AFTER:  # the rest would fail alike: leave them pending for a re-run
                outcomes.close()  # stops the pool; documents in flight leave no record
                break
        stats.seconds["run"] = perf_counter() - started - stats.seconds["discover"]
        inputs_index = {**folder.read_inputs(), **{shown_path(p): key for p, key in found.inputs.items()}}
        last_run = stats.as_dict(backend=settings.resolved_backend(), workers=workers)
        return export_tables(folder, inputs_index, last_run, workers=min(workers, len(os.sched_getaffinity(0))))


@dataclass(slots=True)
class _RunStats:
    seconds: dict[str, float]
    ignored_files: int = 0
    skipped: int = 0
    processed: int = 0
    ok: int = 0
    worker_cpu_seconds: float = 0.0
    worker_maxrss_kb: int = 0

    def add(self, outcome: Outcome) -> None:
        self.processed += 1
        self.ok += outcome.ok
        for stage, s in outcome.seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + s
        self.worker_cpu_seconds += outcome.cpu_seconds
        self.worker_maxrss_kb = max(self.worker_maxrss_kb, outcome.worker_maxrss_kb)

    def as_dict(self, **extra) -> dict:
        return {**extra, "processed": self.processed, "ok": self.ok, "failed": self.processed - self.ok,
                "skipped_done": self.skipped, "ignored_files": self.ignored_files,
                "worker_cpu_seconds": self.worker_cpu_seconds, "worker_maxrss_kb": self.worker_maxrss_kb,
                "seconds": dict(self.seconds)}
