"""Batch jobs, run one after another on a background thread of the server process.

A job is ``run_batch`` on the batch's ``inputs/`` into its ``out/`` folder: the same code,
folder layout and resumption as ``nianbao batch``. Its documents go to the batch's own
worker processes. The catalogue says which batches are not done; on start-up those are queued
again, and the batch run skips what an earlier, killed run already extracted.
"""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

from extractor.batch import BatchOptions, Outcome, run_batch
from extractor.errors import NianbaoError
from extractor.serve.config import ServeConfig
from extractor.serve.storage import Catalogue

log = logging.getLogger("nianbao.serve")


@dataclass(slots=True)
class Progress:
    done: int = 0  # documents processed by the run in progress
    total: int | None = None  # documents that run has to do (None: not started yet)


class JobRunner:
    def __init__(self, catalogue: Catalogue, config: ServeConfig):
        self.catalogue, self.config = catalogue, config
        self.progress: dict[str, Progress] = {}
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.idle = threading.Event()
        self.idle.set()

    def start(self) -> None:
        """Queue every batch not done (after a restart: they resume), then start working."""
        for batch_id in self.catalogue.unfinished():
            self.submit(batch_id)
        self._thread = threading.Thread(target=self._work, name="nianbao-jobs", daemon=True)
        self._thread.start()

    def submit(self, batch_id: str) -> None:
        self.idle.clear()
        self.progress.setdefault(batch_id, Progress())
        self._queue.put(batch_id)

    def stop(self) -> None:
        """Finish the batch in progress, then stop (the others stay queued in the catalogue)."""
        if self._thread:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _work(self) -> None:
        while (batch_id := self._queue.get()) is not None:
            self._run(batch_id)
            if self._queue.empty():
                self.idle.set()

    def _run(self, batch_id: str) -> None:
        progress = self.progress.setdefault(batch_id, Progress())

        def on_outcome(outcome: Outcome, done: int, total: int) -> None:
            progress.done, progress.total = done, total

        self.catalogue.set_status(batch_id, "running")
        options = BatchOptions(backend=self.config.backend, jobs=self.config.jobs, timeout=self.config.timeout)
        try:
            run_batch([str(self.catalogue.inputs(batch_id))], self.catalogue.out(batch_id), options, on_outcome)
        except NianbaoError as e:
            self.catalogue.set_status(batch_id, "failed", str(e))
        except Exception as e:  # the server goes on; the batch says what happened
            log.exception("batch %s failed", batch_id)
            self.catalogue.set_status(batch_id, "failed", f"internal error: {type(e).__name__}: {e}")
        else:
            self.catalogue.set_status(batch_id, "done")
        finally:
            self.progress.pop(batch_id, None)
