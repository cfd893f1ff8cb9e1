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
from typing import Literal

from extractor.batch.discover import check_out, discover
from extractor.batch.outcome import Outcome
from extractor.batch.ratelimit import TokenBucket
from extractor.batch.run import run_jobs
from extractor.batch.store import ResultsFolder
from extractor.errors import EndpointDown, InputError
from extractor.load import shown_path
from extractor.settings import Backend, Settings

__all__ = ["BatchOptions", "Outcome", "export_folder", "run_batch"]

_DOWN_AFTER = 3  # documents in a row failing with EndpointDown stop the batch


@dataclass(slots=True)
class BatchOptions:
    backend: Backend = "auto"
    jobs: int | None = None  # None: one per CPU core (rules), 4 (llm, hybrid)
    timeout: float | None = 120.0  # seconds per document
    force: bool = False  # re-extract documents that already have a result
    llm_rps: float | None = None  # documents started per second on llm/hybrid backends
    xlsx: bool = True  # write cells.xlsx (about 1–3 ms of CPU a report: docs/batch.md)
    engine: Literal["local", "ray"] = "local"  # ray: extractor.batch.ray_engine (nianbao[ray])
    address: str | None = None  # ray: the cluster to use; None starts a local Ray for the batch


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
    workers = options.jobs or (4 if threads else _cpus())
    check_out(list(inputs), Path(out))
    folder = ResultsFolder(Path(out))
    with folder.locked():
        started = perf_counter()
        found = discover(list(inputs), exclude=folder.root)
        stats = _RunStats(seconds={"discover": perf_counter() - started}, ignored_files=found.ignored)
        # The export's inputs index is made now, while this process holds little: the strings of a
        # dict of every path would be freed amid the export's, and their memory not go back.
        from extractor.batch.summary import SortedInputs  # pyarrow: the export at the end needs it anyway

        inputs_index = folder.read_inputs()  # of earlier batches; only the export writes it
        inputs_index.update(zip(map(shown_path, found.paths), found.keys))
        del found.paths[:], found.keys[:]
        compact = SortedInputs(inputs_index)  # ~60 bytes an input, a third of the dict's
        del inputs_index
        done_before = set() if options.force else folder.settled()
        todo = [job for job in found.jobs if job.key not in done_before]
        stats.skipped = len(found.jobs) - len(todo)
        rate = TokenBucket(options.llm_rps) if threads and options.llm_rps else None
        down = 0  # documents in a row whose model endpoint could serve no request at all
        if options.engine == "ray":
            from extractor.batch.ray_engine import run_jobs_ray
            outcomes = run_jobs_ray(todo, settings, address=options.address, workers=options.jobs,
                                    timeout=options.timeout, llm=threads, llm_rps=options.llm_rps)
        else:
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
                outcomes.close()  # type: ignore[attr-defined]  # both engines return a generator; stops the pool; documents in flight leave no record
                break
        stats.seconds["run"] = perf_counter() - started - stats.seconds["discover"]
        del todo, done_before
        found.jobs.clear()  # the jobs' memory goes back before the export
        from extractor.batch.export import export_tables

        last_run = stats.as_dict(backend=settings.resolved_backend(), workers=workers)
        return export_tables(folder, compact, last_run, workers=min(workers, _cpus()), xlsx=options.xlsx)


def export_folder(out: Path, workers: int | None = None, xlsx: bool = True) -> dict:
    """Rebuild a results folder's outputs (cells, cells_wide, findings, inputs, cells.xlsx,
    summary.json) from its results, errors and review decisions, and return the summary.

    This is how review decisions reach the tables (``nianbao export DIR``); a batch run does
    the same at its end. ``last_run`` in the summary stays that of the last batch. Raises
    :class:`~extractor.errors.InputError` for a folder that is not a results folder or that a
    batch holds."""
    import json

    folder = ResultsFolder(Path(out))
    if not folder.results.is_dir():
        raise InputError(f"{out}: not a results folder (no results/ inside)")
    with folder.locked():
        try:
            last_run = json.loads((folder.root / "summary.json").read_text(encoding="utf-8"))["last_run"]
            last_run["seconds"] = dict(last_run.get("seconds") or {})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            last_run = {"seconds": {}}  # no batch wrote this folder (a review of one document), or no summary
        from extractor.batch.export import export_tables
        from extractor.batch.summary import SortedInputs
        return export_tables(folder, SortedInputs(folder.read_inputs()), last_run, workers=workers or _cpus(),
                             xlsx=xlsx)


def _cpus() -> int:
    """Cores this process may use (``sched_getaffinity`` is Linux only)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


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
