"""One document, run in a worker process or thread: the public API, failures turned into records.

In a worker process, :func:`in_process` also keeps the document to its time limit (an alarm
signal interrupts it) and saves the outcome there: creating files is a large part of the
cost of a document, so it belongs where the work is spread over the cores. A thread does
neither: it cannot be interrupted, and one abandoned after its deadline must not write
later, so the batch writes what it returns.
"""
from __future__ import annotations

import gc
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import perf_counter, process_time

from extractor.batch.outcome import Outcome
from extractor.errors import (
    BackendError,
    ConfigError,
    EmptyDocument,
    InputError,
    NotAReport,
    NoTextLayer,
    TooLarge,
    TooSlow,
    UnreadableDocument,
    UnsupportedFormat,
)
from extractor.settings import Settings

try:
    import resource  # POSIX only: peak memory is not measured on Windows
except ImportError:
    resource = None  # type: ignore[assignment]

# The reason slug of each input error, most specific class first.
_INPUT_REASONS = ((UnsupportedFormat, "unsupported"), (EmptyDocument, "empty"), (NoTextLayer, "no_text_layer"),
                  (NotAReport, "not_a_report"), (TooLarge, "too_large"), (TooSlow, "too_slow"),
                  (UnreadableDocument, "unreadable"), (InputError, "unreadable"))

Work = Callable[[str, str, "str | None", Settings], Outcome]


def extract_one(key: str, path: str, sha256: str | None, settings: Settings) -> Outcome:
    """Extract one file. Raises only :class:`ConfigError`: bad settings stop the batch."""
    cpu = process_time()
    out = _extract(Outcome(key, path, sha256), settings)
    out.cpu_seconds = process_time() - cpu
    out.worker_maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if resource else 0
    return out


def in_process(work: Work, save: Callable[[Outcome], None], timeout: float | None,
               key: str, path: str, sha256: str | None, settings: Settings) -> Outcome:
    """Run ``work`` in this worker process within ``timeout`` seconds, save its outcome with
    ``save`` and return it without the result and text (they are on disk now)."""
    try:
        with _alarm(timeout):
            out = work(key, path, sha256, settings)
    except _TimeUp:
        out = Outcome(key, path, sha256, reason="timeout", message=f"no result after {timeout:g} s")
    t = perf_counter()
    save(out)
    out.seconds["write"] = perf_counter() - t
    out.result_json = out.text = None
    out.saved = True
    return out


class _TimeUp(BaseException):
    """Raised by the alarm; a BaseException, so that no ``except Exception`` swallows it."""


@contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Interrupt the code inside after ``seconds`` (in the main thread only: where signals arrive).

    Python code is interrupted at once; a call into C (a regular expression, a parser) only
    when it returns: the batch kills a worker that stays stuck past that."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    signal.signal(signal.SIGALRM, _time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _time_up(signum, frame) -> None:
    raise _TimeUp


def _extract(out: Outcome, settings: Settings) -> Outcome:
    from extractor.api import extract_document  # the pipeline: in the workers, not the batch process
    from extractor.load import load_path

    t0 = perf_counter()
    try:
        doc = load_path(out.path, ocr=settings.ocr, ocr_jobs=1)
        t1 = perf_counter()
        result = extract_document(doc, settings)
        t2 = perf_counter()
        out.result_json, out.text = result.model_dump_json(), doc.text
        out.seconds = {"load": t1 - t0, "extract": t2 - t1, "serialise": perf_counter() - t2}
    except ConfigError:
        raise
    except InputError as e:
        out.reason = next(r for cls, r in _INPUT_REASONS if isinstance(e, cls))
        out.message = str(e)
    except BackendError as e:
        out.reason, out.message = "backend_error", f"{type(e).__name__}: {_one_line(str(e))}"
    except Exception as e:  # one bad file never stops the batch; the record says what happened
        out.reason, out.message = "internal_error", f"{type(e).__name__}: {_one_line(str(e))}"
    return out


def _one_line(message: str) -> str:
    return " ".join(message.split())[:500]


def start_worker(pid: int) -> None:
    """Pool initializer. The objects of the imported modules are frozen out of the garbage
    collector's reach (it otherwise walks them all again and again: 4% of a document's time),
    and the worker ends when the batch process ``pid`` ends, however it ends: a worker
    otherwise outlives a batch killed with SIGKILL, waiting forever for work (it holds its
    own queue open), and keeps the forkserver alive with it.
    """
    gc.freeze()
    threading.Thread(target=_exit_when_gone, args=(pid,), name="nianbao-watch", daemon=True).start()


def _exit_when_gone(pid: int) -> None:
    try:
        select.select([os.pidfd_open(pid)], [], [])  # readable when the process has ended
    except (OSError, AttributeError):  # no pidfd (old kernel, not Linux), or already gone
        while _alive(pid):
            time.sleep(1.0)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True
