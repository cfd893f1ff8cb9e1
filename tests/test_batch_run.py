"""The scheduler: a stuck document times out, a crashing one is found, the rest go on."""
from __future__ import annotations

import os
import signal
import time

import pytest

from extractor.batch.discover import Job
from extractor.batch.outcome import Outcome
from extractor.batch.ratelimit import TokenBucket
from extractor.batch.run import run_jobs
from extractor.batch.store import ResultsFolder
from extractor.settings import Settings


def fake_work(key: str, path: str, sha256: str | None, settings: Settings) -> Outcome:
    """Stands in for extract_one: 'hang' sleeps past any timeout, 'stuck' too but deaf to the
    worker's alarm (as inside C code), 'crash' kills its process."""
    if path == "stuck":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    if path in ("hang", "stuck"):
        time.sleep(30)
    if path.startswith("crash"):
        os._exit(3)
    time.sleep(0.05)
    return Outcome(key, path, sha256, result_json="{}", text="", seconds={"extract": 0.05})


def discard(outcome: Outcome) -> None:
    pass


def jobs(*paths: str) -> list[Job]:
    return [Job(f"{i:016x}", p, None) for i, p in enumerate(paths)]


def run(paths, **kw) -> dict[str, str]:
    started = time.monotonic()
    outcomes = list(run_jobs(jobs(*paths), Settings(backend="rules"), save=discard, work=fake_work, **kw))
    assert time.monotonic() - started < 15
    assert sorted(o.key for o in outcomes) == sorted(j.key for j in jobs(*paths))  # each job exactly once
    return {o.path: o.reason or "ok" for o in outcomes}


@pytest.mark.parametrize("threads", [False, True])
def test_stuck_document_times_out_and_the_batch_goes_on(threads):
    paths = ["a", "hang", "b", "c", "d", "e"]
    got = run(paths, workers=2, timeout=1.0, threads=threads)
    assert got == {"a": "ok", "hang": "timeout", "b": "ok", "c": "ok", "d": "ok", "e": "ok"}


def test_document_deaf_to_the_alarm_is_killed_and_only_it_times_out():
    # Four documents in flight on two workers: those queued behind the stuck one are not blamed.
    paths = ["a", "stuck", "b", "c", "d", "e", "f"]
    got = run(paths, workers=2, timeout=1.0)
    assert got == {"a": "ok", "stuck": "timeout", "b": "ok", "c": "ok", "d": "ok", "e": "ok", "f": "ok"}


def test_worker_saves_its_outcome_timeouts_included(tmp_path):
    folder = ResultsFolder(tmp_path)
    with folder.locked():
        outcomes = list(run_jobs(jobs("a", "hang"), Settings(backend="rules"), workers=2, timeout=1.0,
                                 save=folder.save, work=fake_work))
    assert all(o.saved for o in outcomes)
    assert len(folder.result_keys()) == 1 and folder.read_error(jobs("a", "hang")[1].key)["reason"] == "timeout"


def test_crashing_worker_is_singled_out():
    # Two crashers among innocents: each innocent in flight at a crash is re-run and succeeds.
    paths = ["a", "crash1", "b", "c", "crash2", "d"]
    got = run(paths, workers=2, timeout=10.0)
    assert got == {"a": "ok", "crash1": "crashed", "b": "ok", "c": "ok", "crash2": "crashed", "d": "ok"}


def test_unreadable_jobs_are_reported_without_running():
    job = Job("0" * 16, "locked.pdf", None, problem="locked.pdf: cannot read (Permission denied)")
    (outcome,) = run_jobs([job], Settings(backend="rules"), workers=1, timeout=1.0, save=discard,
                          work=fake_work)
    assert (outcome.reason, outcome.message) == ("unreadable", "locked.pdf: cannot read (Permission denied)")


def test_token_bucket_spaces_acquisitions():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    bucket = TokenBucket(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(6):
        bucket.acquire()
    # a burst of 2, then one every half second
    assert slept == pytest.approx([0.5, 0.5, 0.5, 0.5])
