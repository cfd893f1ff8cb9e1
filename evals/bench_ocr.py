"""OCR speed: seconds per page on one core, and peak memory.

Pages are rendered (pypdfium2, as ``extract`` does) from the image-only renderings of the real PDFs (:mod:`evals.ocr_fixtures`), read one
after another in this process on one thread (``ocr_jobs=1``). CPU seconds are what the page
costs one core; wall seconds also count waiting for a busy machine.

    python -m evals.bench_ocr [--pages N]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time

from evals.cases import FIXTURES
from evals.ocr_fixtures import REAL, image_pdf, scan_pages


def main(argv: list[str] | None = None) -> None:
    from extractor.ocr import engine, page, raster
    p = argparse.ArgumentParser(description="OCR seconds per page (one core) and peak memory")
    p.add_argument("--pages", type=int, default=None, help="stop after N pages (default: all)")
    args = p.parse_args(argv)
    rng = random.Random(0)
    images = []  # (name, page, the scan's bytes): each page rendered from the image-only PDF, as users' scans are
    for name in REAL:
        gold = json.loads((FIXTURES / name / "gold.json").read_text(encoding="utf-8"))
        scan = image_pdf(scan_pages((FIXTURES / name / gold["document"]).read_bytes(), rng))
        images += [(name, i, scan) for i in range(raster.pdf_page_count(scan, name))]
    images = images[: args.pages] if args.pages else images
    t0 = time.perf_counter()
    engine.recogniser()
    load_s = time.perf_counter() - t0
    cpu, wall = [], []
    for name, i, scan in images:
        c0, w0 = time.process_time(), time.perf_counter()
        read = page.read_page(raster.pdf_page(scan, i), i)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        print(f"{name} page {i + 1}: {len(read.words)} words, {cpu[-1]:.2f} s CPU, {wall[-1]:.2f} s wall", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{len(images)} pages, one thread: {statistics.mean(cpu):.2f} s CPU per page "
          f"(max {max(cpu):.2f}), {statistics.mean(wall):.2f} s wall per page; "
          f"model load {load_s:.2f} s once per process; peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
