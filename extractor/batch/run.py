"""Run jobs concurrently with a per-document timeout, yielding one :class:`Outcome` per job.

The rules backend is CPU-bound, so documents go to a process pool. LLM backends wait on
the network, so they run in threads, optionally behind a token bucket.

At most ``jobs`` documents are in flight, so each one has a worker from the moment it is
submitted and its deadline can be counted from then. A document past its deadline gets a
"timeout" record. A thread cannot be stopped, so it is abandoned (it writes nothing); a
stuck process is killed, which takes the pool down, so the other documents in flight are
run again on a fresh pool. A worker that dies (a parser crash, the kernel's OOM killer)
breaks the pool without saying which document killed it: the documents in flight then
run again one at a time, and the one that dies alone gets a "crashed" record.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from time import monotonic

from extractor.batch.discover import Job
from extractor.batch.ratelimit import TokenBucket
from extractor.batch.outcome import Outcome
from extractor.batch.worker import exit_with, extract_one
from extractor.settings import Settings


def run_jobs(jobs: list[Job], settings: Settings, *, workers: int, timeout: float | None, save_in: Path,
             threads: bool = False, rate: TokenBucket | None = None, work=extract_one) -> Iterator[Outcome]:
    """One outcome per job, in completion order; worker processes save theirs in ``save_in``.

    ``work(key, path, sha256, settings, save_in)`` runs one document (tests pass fakes)."""
    for job in jobs:
        if job.problem:
            yield failed(job, "unreadable", job.problem)
    pending: deque[Job] = deque(job for job in jobs if not job.problem)
    if not pending:
        return
    pool: _Threads | _Processes = _Threads() if threads else _Processes(workers)
    suspects: deque[Job] = deque()  # in flight when a worker died; each now runs alone
    inflight: dict[Future, tuple[Job, float]] = {}

    def submit(job: Job) -> None:
        if rate:
            rate.acquire()
        # A thread abandoned after a timeout must not write later: its caller saves for it.
        writer = None if threads else save_in
        inflight[pool.submit(work, job.key, job.path, job.sha256, settings, writer)] = (job, monotonic())

    try:
        while pending or suspects or inflight:
            if suspects:
                if not inflight:
                    submit(suspects.popleft())
            else:
                while pending and len(inflight) < workers:
                    submit(pending.popleft())
            done, _ = wait(inflight, timeout=_until_next_deadline(inflight, timeout), return_when=FIRST_COMPLETED)
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
            expired = [f for f, (_, start) in inflight.items() if timeout is not None and now - start >= timeout]
            timed_out = [inflight.pop(future)[0] for future in expired]
            if timed_out and pool.kill_stuck():  # before the records: a killed worker writes nothing after them
                pending.extendleft(reversed([job for job, _ in inflight.values()]))
                inflight.clear()
            for job in timed_out:
                yield failed(job, "timeout", f"no result after {timeout:g} s")
    except BaseException:  # an error, Ctrl-C, or the consumer stopped: do not wait for running documents
        pool.abort()
        raise
    pool.close()


def _until_next_deadline(inflight: dict[Future, tuple[Job, float]], timeout: float | None) -> float | None:
    if timeout is None or not inflight:
        return None
    return max(0.0, min(start for _, start in inflight.values()) + timeout - monotonic())


def failed(job: Job, reason: str, message: str) -> Outcome:
    return Outcome(job.key, job.path, job.sha256, reason=reason, message=message)


class _Processes:
    def __init__(self, workers: int):
        self.workers = workers
        # forkserver: workers start from a clean, preloaded process, not a fork of this
        # threaded one (forking a process with threads can deadlock the child).
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["extractor.batch.worker"])
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(self.workers, mp_context=self.context, initializer=exit_with,
                                       initargs=(os.getpid(),))
        # Start the workers now, so that their start-up (seconds, the first time) does not
        # count against the first documents' deadlines.
        wait([executor.submit(int) for _ in range(self.workers)])
        return executor

    def submit(self, fn, *args) -> Future:
        return self.executor.submit(fn, *args)

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

    def submit(self, fn, *args) -> Future:
        future: Future = Future()

        def target() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as e:  # handed to the scheduler through the future
                    future.set_exception(e)

        threading.Thread(target=target, name="nianbao-document", daemon=True).start()
        return future

    def kill_stuck(self) -> bool:
        return False  # the abandoned thread finishes on its own; its result is ignored

    def restart(self) -> None:
        pass

    abort = close = restart
