"""The Ray engine: the same batch on many machines (``nianbao batch --engine ray``).

Only the running of documents changes: discovery, skipping what is done, the results
folder and the tables are the local engine's (:func:`extractor.batch.run_batch`).

    jobs → Ray Data dataset of (key, path, sha256) → map_batches(extract_one, per document)
         → rows streamed back to the batch process, which saves each one and reports progress

Every node must see the inputs at the same paths (a shared file system) and have the same
nianbao installed; only the batch process writes the results folder, so it may be local to
it. On ``llm``/``hybrid`` one Ray actor holds the token bucket of
:mod:`extractor.batch.ratelimit`, so ``--llm-rps`` holds for all workers together.

Failures are records, as in the local engine: a document over ``timeout`` is a ``timeout``
(an alarm in the worker), and when the dataset itself fails (a worker that keeps dying on
a document), the documents without an outcome yet are run again one at a time as plain Ray
tasks, so the one that kills its worker gets a ``crashed`` record and the others a result.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
import warnings
from collections.abc import Iterator

from extractor.batch.discover import Job
from extractor.batch.outcome import Outcome
from extractor.batch.ratelimit import TokenBucket
from extractor.batch.worker import Work, _alarm, _TimeUp, extract_one
from extractor.errors import ConfigError
from extractor.settings import Settings

try:
    import pyarrow as pa
    import ray
    import ray.data
except ImportError:  # the optional extra: nianbao[ray]
    ray = None

BATCH_SIZE = 4  # rules: documents per map_batches call: small, so that progress streams and a slow one holds few back
LLM_BATCH_SIZE = 1  # llm/hybrid: a document takes seconds to minutes, a task's overhead is milliseconds
CONNECT_TIMEOUT_S = 10.0
MAX_TASK_RETRIES = 2  # a task whose worker or node died runs again this often (Ray Data's default: forever)
LLM_SLOTS_PER_CPU = 4  # llm/hybrid documents wait on the network: as many at once per core as the local threads
_COLUMNS = ("key", "path", "sha256", "result_json", "text", "reason", "message", "seconds", "cpu_seconds",
            "worker_maxrss_kb")


def run_jobs_ray(jobs: list[Job], settings: Settings, *, address: str | None, workers: int | None,
                 timeout: float | None, llm: bool, llm_rps: float | None, work: Work = extract_one) -> Iterator[Outcome]:
    """One outcome per job, in completion order, not yet saved (the caller saves them).

    ``address``: the Ray cluster ("auto": the one this machine belongs to; None: a local Ray
    started for this batch and stopped after it, unless one is already running in this process).
    ``workers``: documents at a time over the cluster (None: one per CPU, ``LLM_SLOTS_PER_CPU``
    per CPU on llm/hybrid). Raises :class:`ConfigError` when Ray is missing or unreachable."""
    for job in jobs:
        if job.problem:
            yield Outcome(job.key, job.path, job.sha256, reason="unreadable", message=job.problem)
    todo = {job.key: job for job in jobs if not job.problem}
    if not todo:
        return  # nothing to run: no cluster needed
    started = connect(address, workers)
    limiter = _RateLimiter.remote(llm_rps) if llm and llm_rps else None  # type: ignore[attr-defined]  # @ray.remote adds .remote
    kwargs = {"settings": settings, "timeout": timeout, "limiter": limiter, "work": work, "cwd": os.getcwd()}
    try:
        try:
            for row in _dataset(list(todo.values()), workers, llm, kwargs).iter_rows():
                outcome = _outcome(row)
                if todo.pop(outcome.key, None) is not None:  # a retried task may return a document twice
                    yield outcome
        except Exception as e:  # the dataset failed: run what is left one document at a time
            _raise_config_error(e)
            yield from _one_at_a_time(list(todo.values()), kwargs, timeout)
    finally:
        if limiter is not None:
            ray.kill(limiter)
        if started:
            ray.shutdown()


def _raise_config_error(e: BaseException | None) -> None:
    """Bad settings stop the batch, as in the local engine: find a ConfigError Ray wrapped."""
    seen = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, ConfigError):
            raise ConfigError(str(e)) from None
        e = getattr(e, "cause", None) if isinstance(getattr(e, "cause", None), BaseException) else e.__cause__


def connect(address: str | None, workers: int | None) -> bool:
    """Initialise Ray: the cluster at ``address`` ("auto": the one this machine belongs to), or
    a local one with ``workers`` CPUs. True when this call started it (stop it with ``ray.shutdown``).
    Raises :class:`ConfigError` when Ray is not installed or the cluster cannot be reached."""
    if ray is None:
        raise ConfigError("--engine ray needs Ray: pip install 'nianbao[ray]'")
    if ray.is_initialized():
        return False
    quiet = {"include_dashboard": False, "logging_level": logging.WARNING, "log_to_driver": False,
             "configure_logging": True}
    try:
        if address:
            _reachable(address)
            ray.init(address=address, **quiet)
        else:
            ray.init(num_cpus=workers or len(os.sched_getaffinity(0)), **quiet)
    except (ConnectionError, RuntimeError, ValueError) as e:
        raise ConfigError(f"cannot start or reach Ray{f' at {address}' if address else ''}: "
                          f"{' '.join(str(e).split())[:300]}") from e
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # its progress lines: the batch command shows its own
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the batch command shows its own
    context.print_on_execution_start = False
    return True


def _reachable(address: str) -> None:
    """Ray retries an unreachable head for many minutes: say so at once instead."""
    hostport = address.removeprefix("ray://")
    if address == "auto" or ":" not in hostport:
        return
    host, _, port = hostport.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot reach the Ray cluster at {address}: {getattr(e, 'strerror', None) or e}") from e


def _dataset(jobs: list[Job], workers: int | None, llm: bool, kwargs: dict):
    rows = [{"key": j.key, "path": j.path, "sha256": j.sha256 or ""} for j in jobs]
    size = LLM_BATCH_SIZE if llm else BATCH_SIZE
    ds = ray.data.from_items(rows, override_num_blocks=max(1, -(-len(rows) // size)))
    with warnings.catch_warnings():  # max_retries has no named parameter yet; ray_remote_args goes in Ray 2.64
        warnings.simplefilter("ignore", DeprecationWarning)
        return ds.map_batches(_extract_batch, batch_size=size, batch_format="pyarrow", fn_kwargs=kwargs,
                              num_cpus=1 / LLM_SLOTS_PER_CPU if llm else 1, max_retries=MAX_TASK_RETRIES,
                              **({"concurrency": workers} if workers else {}))


def _extract_batch(batch: pa.Table, *, settings: Settings, timeout: float | None, limiter, work: Work,
                   cwd: str) -> pa.Table:
    """The map_batches function: each document of the batch through ``work``, as the process pool runs it."""
    _enter(cwd)
    outcomes = [_run_one(work, key, path, sha or None, settings, timeout, limiter)
                for key, path, sha in zip(*(batch.column(c).to_pylist() for c in ("key", "path", "sha256")))]
    return _table(outcomes)


def _enter(cwd: str) -> None:
    """Work from the batch process's folder, so that relative paths (inputs as the user wrote
    them, which results record) name the same files on every node of a shared file system."""
    if os.getcwd() != cwd and os.path.isdir(cwd):
        os.chdir(cwd)


def _run_one(work: Work, key: str, path: str, sha256: str | None, settings: Settings, timeout: float | None,
             limiter, cwd: str | None = None) -> Outcome:
    if cwd is not None:
        _enter(cwd)
    if limiter is not None:
        time.sleep(ray.get(limiter.reserve.remote()))
    try:
        with _alarm(timeout):
            return work(key, path, sha256, settings)
    except _TimeUp:
        return Outcome(key, path, sha256, reason="timeout", message=f"no result after {timeout:g} s")


def _table(outcomes: list[Outcome]) -> pa.Table:
    columns = {c: [getattr(o, c) for o in outcomes] for c in _COLUMNS}
    columns["seconds"] = [json.dumps(o.seconds) for o in outcomes]
    types = {"cpu_seconds": pa.float64(), "worker_maxrss_kb": pa.int64()}
    return pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in columns.items()})


def _outcome(row: dict) -> Outcome:
    fields = {c: row[c] for c in _COLUMNS}
    fields["seconds"] = json.loads(fields["seconds"])
    fields["sha256"] = fields["sha256"] or None
    return Outcome(**fields)


def _one_at_a_time(jobs: list[Job], kwargs: dict, timeout: float | None) -> Iterator[Outcome]:
    """Each job as its own Ray task, never retried, in parallel. A task whose worker dies may
    only have been queued on it behind the one that killed it: those run again one at a time,
    and the one whose worker dies alone is ``crashed``."""
    suspects: list[Job] = []
    for job, outcome in _tasks(jobs, kwargs, timeout):
        if outcome is None:
            suspects.append(job)
        else:
            yield outcome
    for job in suspects:
        for _, outcome in _tasks([job], kwargs, timeout):
            yield outcome or Outcome(job.key, job.path, job.sha256, reason="crashed",
                                     message="the Ray worker died on this document (out of memory, or a crash in a parser)")


def _tasks(jobs: list[Job], kwargs: dict, timeout: float | None) -> Iterator[tuple[Job, Outcome | None]]:
    """``(job, outcome)`` as the tasks end; None where the worker died."""
    task = ray.remote(max_retries=0)(_run_one)
    args = (kwargs["work"],)
    rest = (kwargs["settings"], kwargs["timeout"], kwargs["limiter"], kwargs["cwd"])
    refs = {task.remote(*args, j.key, j.path, j.sha256, *rest): j for j in jobs}
    deadline = None if timeout is None else time.monotonic() + timeout * max(1, len(jobs)) + 10.0
    while refs:
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        done, _ = ray.wait(list(refs), num_returns=1, timeout=left)
        if not done:  # stuck past every deadline inside C code: give up on the rest
            for ref, job in refs.items():
                ray.cancel(ref, force=True)
                yield job, Outcome(job.key, job.path, job.sha256, reason="timeout",
                                   message=f"no result after {timeout:g} s")
            return
        job = refs.pop(done[0])
        try:
            yield job, ray.get(done[0])
        except ray.exceptions.RayTaskError as e:
            _raise_config_error(e)
            yield job, Outcome(job.key, job.path, job.sha256, reason="internal_error", message=_one_line(str(e.cause)))
        except ray.exceptions.RayError:  # the worker died
            yield job, None


def _one_line(message: str) -> str:
    return " ".join(message.split())[:500]


if ray is not None:
    @ray.remote(num_cpus=0)
    class _RateLimiter:
        """The token bucket of ``extractor.batch.ratelimit``, once for the whole cluster. It never
        sleeps itself (that would hold up every other caller): ``reserve`` returns how long the
        caller must wait before its document starts."""

        def __init__(self, rate: float):
            self._wait = 0.0
            self._bucket = TokenBucket(rate, sleep=self._note)

        def _note(self, seconds: float) -> None:
            self._wait = seconds

        def reserve(self) -> float:
            self._wait = 0.0
            self._bucket.acquire()
            return self._wait
