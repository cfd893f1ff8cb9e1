"""Pages spread over processes, with progress per page on the ``nianbao.ocr`` logger.

A worker renders its own pages (the PDF's bytes are sent once per worker, not per page) and
loads the recogniser once. Inside a daemon process (a batch worker) pages are read in turn:
a daemon may not start processes, and the batch already uses every core.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

from extractor.ocr.page import PageRead, read_page

log = logging.getLogger("nianbao.ocr")
_DATA: bytes | None = None


def _jobs(wanted: int | None, pages: int) -> int:
    if multiprocessing.current_process().daemon:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(wanted or cores, pages))


def _init(data: bytes) -> None:
    global _DATA
    _DATA = data


def _pdf_page(index: int) -> PageRead:
    from extractor.ocr.raster import pdf_page
    return read_page(pdf_page(_DATA, index), index)  # type: ignore[arg-type]  # _init set it in this worker


def _image_page(args) -> PageRead:
    image, index = args
    return read_page(image, index)


def _run(fn, items, count: int, label: str, jobs: int | None, init=None, initargs=()) -> list[PageRead]:
    workers = _jobs(jobs, count)
    started = time.perf_counter()
    out: list[PageRead] = []

    def report(page: PageRead) -> None:
        out.append(page)
        log.info("%s: OCR page %d/%d (%.1f s)", label, len(out), count, time.perf_counter() - started)

    if workers == 1:
        if init:
            init(*initargs)
        for item in items:
            report(fn(item))
    else:
        # fork: no re-import, and no need for a ``__main__`` guard in the caller's script; safe
        # because the recogniser runs on one thread (no thread pool to lose in the child)
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=init, initargs=initargs) as ex:
            for page in ex.map(fn, items):
                report(page)
    return sorted(out, key=lambda p: p.index)


def read_pdf(data: bytes, count: int, label: str, jobs: int | None = None) -> list[PageRead]:
    return _run(_pdf_page, range(count), count, label, jobs, _init, (data,))


def read_images(images, label: str, jobs: int | None = None) -> list[PageRead]:
    return _run(_image_page, [(im, i) for i, im in enumerate(images)], len(images), label, jobs)
