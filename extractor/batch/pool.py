"""The batch's worker processes: started clean, and ended with the batch however it ends."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from extractor.batch.worker import start_worker


def process_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: workers start from a clean, preloaded process, not a fork of this threaded
    # one (forking a process with threads can deadlock the child).
    context = multiprocessing.get_context("forkserver")
    # The pipeline is preloaded too: the worker module imports it lazily (the batch process needs none of it).
    context.set_forkserver_preload(["extractor.batch.worker", "extractor.api"])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=start_worker, initargs=(os.getpid(),))
