"""One document, run in a worker process or thread: the public API, failures turned into records.

A worker process writes its own outcome (creating files is a large part of the cost of a
document, so it belongs where the work is spread over the cores). A thread does not: one
abandoned after a timeout must not write later, so the batch writes what it returns.
"""
from __future__ import annotations

import os
import resource
import select
import threading
import time
from pathlib import Path
from time import perf_counter, process_time

from extractor import Settings, extract_document, load
from extractor.errors import (BackendError, ConfigError, EmptyDocument, InputError, NoTextLayer, NotAReport,
                              UnreadableDocument, UnsupportedFormat)
from extractor.batch.outcome import Outcome
from extractor.batch.store import ResultsFolder

# The reason slug of each input error, most specific class first.
_INPUT_REASONS = ((UnsupportedFormat, "unsupported"), (EmptyDocument, "empty"), (NoTextLayer, "no_text_layer"),
                  (NotAReport, "not_a_report"), (UnreadableDocument, "unreadable"), (InputError, "unreadable"))


def extract_one(key: str, path: str, sha256: str | None, settings: Settings, save_in: Path | None) -> Outcome:
    """Extract one file and, given ``save_in``, save the outcome there (returning it without
    the result and text). Raises only :class:`ConfigError`: bad settings stop the batch."""
    cpu = process_time()
    out = _extract(Outcome(key, path, sha256), settings)
    if save_in is not None:
        t = perf_counter()
        ResultsFolder(save_in).save(out)
        out.seconds["write"] = perf_counter() - t
        out.result_json = out.text = None
        out.saved = True
    out.cpu_seconds = process_time() - cpu
    out.worker_maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return out


def _extract(out: Outcome, settings: Settings) -> Outcome:
    t0 = perf_counter()
    try:
        doc = load(Path(out.path))
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


def exit_with(pid: int) -> None:
    """Pool initializer: end this worker when the batch process ``pid`` ends, however it ends.

    A worker otherwise outlives a batch killed with SIGKILL, waiting forever for work (it
    holds its own queue open), and keeps the forkserver alive with it.
    """
    threading.Thread(target=_exit_when_gone, args=(pid,), name="nianbao-watch", daemon=True).start()


def _exit_when_gone(pid: int) -> None:
    try:
        select.select([os.pidfd_open(pid)], [], [])  # readable when the process has ended
    except OSError:  # no pidfd (old kernel), or already gone
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
