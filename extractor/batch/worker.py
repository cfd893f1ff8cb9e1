"""One document, run in a worker process or thread: the public API, failures turned into records.

A worker never writes files: the batch writes what it returns, so a worker that is killed
or abandoned after a timeout cannot leave anything behind.
"""
from __future__ import annotations

import os
import resource
import select
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from extractor import Settings, extract_document, load
from extractor.api import __version__
from extractor.errors import (BackendError, ConfigError, EmptyDocument, InputError, NoTextLayer, NotAReport,
                              UnreadableDocument, UnsupportedFormat)

# The reason slug of each input error, most specific class first.
_INPUT_REASONS = ((UnsupportedFormat, "unsupported"), (EmptyDocument, "empty"), (NoTextLayer, "no_text_layer"),
                  (NotAReport, "not_a_report"), (UnreadableDocument, "unreadable"), (InputError, "unreadable"))
# Failures a re-run may not repeat; resuming a batch retries these documents.
TRANSIENT = frozenset({"timeout", "crashed", "backend_error", "internal_error"})
REASONS = (*dict.fromkeys(r for _, r in _INPUT_REASONS), *sorted(TRANSIENT))


@dataclass(slots=True)
class Outcome:
    """What became of one document: its result (JSON and text) or the reason it has none."""

    key: str
    path: str
    sha256: str | None = None
    result_json: str | None = None
    text: str | None = None
    reason: str | None = None
    message: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    worker_maxrss_kb: int = 0

    @property
    def ok(self) -> bool:
        return self.result_json is not None

    def error_record(self) -> dict:
        return {"key": self.key, "path": self.path, "sha256": self.sha256, "reason": self.reason,
                "message": self.message, "nianbao": __version__}


def extract_one(key: str, path: str, sha256: str | None, settings: Settings) -> Outcome:
    """Extract one file. Raises only :class:`ConfigError`: bad settings stop the whole batch."""
    out = Outcome(key, path, sha256)
    t0 = perf_counter()
    try:
        doc = load(Path(path))
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
        out.reason, out.message = "backend_error", f"{type(e).__name__}: {e}"
    except Exception as e:  # one bad file never stops the batch; the record says what happened
        out.reason, out.message = "internal_error", f"{type(e).__name__}: {one_line(str(e))}"
    out.worker_maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return out


def one_line(message: str) -> str:
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
