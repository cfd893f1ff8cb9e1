"""Run jobs concurrently with a per-document time limit, yielding one :class:`Outcome` per job.

The rules backend is CPU-bound, so documents go to a process pool. LLM backends wait on
the network, so they run in threads, optionally behind a token bucket.

Threads: at most ``jobs`` documents are in flight, so each has a thread from the moment it is
submitted, and a document past ``timeout`` since then gets a "timeout" record. A thread
cannot be stopped, so it is abandoned (it writes nothing).

Processes: each worker has one document queued behind the one it is working on, so it never
waits for this process between documents (that wait cost about 15% of the throughput:
docs/batch.md). The worker keeps each document to ``timeout`` itself
(:func:`~extractor.batch.worker.in_process`).
A document still in flight well past that (stuck inside C code, which an alarm cannot
interrupt) gets the workers killed, which takes the pool down: the documents that were
past their deadline then run again one at a time — a queued one may only have waited behind
the stuck one — and one that stays stuck alone gets the "timeout" record; the others in
flight simply run again. A worker that dies (a parser crash, the kernel's OOM killer) breaks
the pool without saying which document killed it: the documents in flight then run again
one at a time, and the one that dies alone gets a "crashed" record.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from time import monotonic

from extractor.batch.discover import Job
from extractor.batch.outcome import Outcome
from extractor.batch.pool import process_pool
from extractor.batch.ratelimit import TokenBucket
from extractor.batch.worker import Work, extract_one, in_process
from extractor.settings import Settings

QUEUED_PER_WORKER = 1  # documents waiting in a worker process's queue behind the one it works on


def run_jobs(jobs: list[Job], settings: Settings, *, workers: int, timeout: float | None,
             save: Callable[[Outcome], None], threads: bool = False, rate: TokenBucket | None = None,
             work: Work = extract_one) -> Iterator[Outcome]:
    """One outcome per job, in completion order. Worker processes ``save`` theirs (outcomes
    with ``saved`` set); what threads return, and the records made here, are the caller's to save.

    ``work(key, path, sha256, settings)`` runs one document (tests pass fakes)."""
    for job in jobs:
        if job.problem:
            yield failed(job, job.reason, job.problem)
    pending: deque[Job] = deque(job for job in jobs if not job.problem)
    if not pending:
        return
    pool: _Threads | _Processes = _Threads(work, timeout, workers) if threads else _Processes(workers, work, save, timeout)
    suspects: deque[Job] = deque()  # each now runs alone: in flight when a worker died, or past a deadline
    inflight: dict[Future, tuple[Job, float | None]] = {}  # → (job, when it is past its deadline)
    alone = False  # the one document in flight is a suspect

    def submit(job: Job) -> None:
        if rate:
            rate.acquire()
        limit = pool.limit(alone)
        inflight[pool.submit(job, settings)] = (job, None if limit is None else monotonic() + limit)

    try:
        while pending or suspects or inflight:
            if suspects:
                if not inflight:
                    alone = True
                    submit(suspects.popleft())
            else:
                alone = False
                while pending and len(inflight) < pool.depth:
                    submit(pending.popleft())
            done, _ = wait(inflight, timeout=_until_next_deadline(inflight), return_when=FIRST_COMPLETED)
            lost: list[Job] = []
            for future in done:
                job, _ = inflight.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    lost.append(job)
            if lost:
                lost += [job for job, _ in inflight.values()]
                inflight.clear()
                pool.restart()
                if len(lost) == 1:
                    yield failed(lost[0], "crashed", "the worker process died (out of memory, or a crash in a parser)")
                else:
                    suspects.extend(lost)
            now = monotonic()
            expired = [f for f, (_, due) in inflight.items() if due is not None and now >= due]
            late = [inflight.pop(future)[0] for future in expired]
            if not late:
                continue
            killed = pool.kill_stuck()  # before the records: a killed worker writes nothing after them
            if killed:  # the others in flight were lost with the stuck one: run them again
                pending.extendleft(reversed([job for job, _ in inflight.values()]))
                inflight.clear()
            if killed and not alone:  # a queued document may only have waited behind the stuck one
                suspects.extend(late)
            else:
                for job in late:
                    yield failed(job, "timeout", f"no result after {timeout:g} s")
    except BaseException:  # an error, Ctrl-C, or the consumer stopped: do not wait for running documents
        pool.abort()
        raise
    pool.close()


def _until_next_deadline(inflight: dict[Future, tuple[Job, float | None]]) -> float | None:
    due = [t for _, t in inflight.values() if t is not None]
    return max(0.0, min(due) - monotonic()) if due else None


def failed(job: Job, reason: str, message: str) -> Outcome:
    return Outcome(job.key, job.path, job.sha256, reason=reason, message=message)


class _Processes:
    def __init__(self, workers: int, work: Work, save: Callable[[Outcome], None], timeout: float | None):
        self.workers, self.timeout = workers, timeout
        self.depth = workers * (1 + QUEUED_PER_WORKER)
        self.task = partial(in_process, work, save, timeout)
        self.executor = self._start()

    def limit(self, alone: bool) -> float | None:
        """Seconds from submission after which a document is taken as stuck. The worker stops
        it after ``timeout`` of work; a queued one may first wait for the one ahead of it."""
        if self.timeout is None:
            return None
        return (1 if alone else 1 + QUEUED_PER_WORKER) * self.timeout + 1.0

    def _start(self) -> ProcessPoolExecutor:
        executor = process_pool(self.workers)
        # Start the workers now, so that their start-up (seconds, the first time) does not
        # count against the first documents' deadlines.
        wait([executor.submit(int) for _ in range(self.workers)])
        return executor

    def submit(self, job: Job, settings: Settings) -> Future:
        return self.executor.submit(self.task, job.key, job.path, job.sha256, settings)

    def kill_stuck(self) -> bool:
        """Kill every worker (the stuck one among them); True: the others' work was lost."""
        self.restart()
        return True

    def restart(self) -> None:
        self.abort()
        self.executor = self._start()

    def abort(self) -> None:
        # Python < 3.14 has no public way to stop a busy worker: kill the pool's processes.
        for process in list(getattr(self.executor, "_processes", {}).values()):
            process.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class _Threads:
    """One daemon thread per document, so a stuck one can be abandoned without holding a slot."""

    def __init__(self, work: Work, timeout: float | None, workers: int):
        self.work, self.timeout, self.depth = work, timeout, workers

    def limit(self, alone: bool) -> float | None:
        return self.timeout

    def submit(self, job: Job, settings: Settings) -> Future:
        future: Future = Future()

        def target() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(self.work(job.key, job.path, job.sha256, settings))
                except BaseException as e:  # handed to the scheduler through the future
                    future.set_exception(e)

        threading.Thread(target=target, name="nianbao-document", daemon=True).start()
        return future

    def kill_stuck(self) -> bool:
        return False  # the abandoned thread finishes on its own; its result is ignored

    def restart(self) -> None:
        pass

    abort = close = restart
