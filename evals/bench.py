"""``make bench``: the speed figures of issue 21 in one run.

    python -m evals.bench [--base TREE] [--sizes 500,2000] [--pdf-docs 2] [--skip-batch]

1. documents/s of the full pipeline (``extract_text`` with the rules reader, validator
   included) and of the rules reader alone, on the five text samples (CPU time, one core);
2. ms per PDF page of each PDF engine, and the cells each reads right, on the real PDFs of
   ``evals/fixtures`` and on synthetic PDFs in five table styles (``evals.synth.pdfrender``);
3. CLI start-up: ``nianbao --help`` and ``nianbao extract one.txt`` (wall time, best of 7, the
   trees interleaved, bytecode cached as an installed package has it);
4. peak memory of the batch process at two sizes (``evals.bench_batch``, one worker; ``--sizes``,
   ``make bench SIZES=1000,50000`` for the issue's figure, about 15 minutes).

``--base TREE`` runs 1, 3 and 4 also on another source tree (an older commit checked out with
``git worktree add`` or ``git archive``), in the same run, for before/after figures.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = next(iter(sorted((ROOT / "evals" / "fixtures").glob("00?_*/*.txt"))), None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, help="another source tree to measure 1, 3 and 4 on too")
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,4000"),
                    help="batch sizes for the memory figure (default 1000,4000: about 2 minutes; the issue's "
                         "1000,50000 takes about 15 minutes on one core: make bench SIZES=1000,50000)")
    ap.add_argument("--pdf-docs", type=int, default=2, help="synthetic PDFs per style")
    ap.add_argument("--skip-batch", action="store_true")
    args = ap.parse_args(argv)
    trees = [("this tree", ROOT)] + ([("base", args.base.resolve())] if args.base else [])
    print("## 1. throughput on the 5 text samples (CPU time, one core)")
    for name, tree in trees:
        out = _python(tree, ["-m", "evals.bench_rules", "--rounds", "3"])
        for line in out.splitlines():
            if "documents/s" in line:
                print(f"  [{name}] {line.strip()}")
    print("## 2. PDF engines: ms per page (wall) and cells right")
    _pdf_engines(args.pdf_docs)
    print(f"## 3. CLI start-up (wall, best of 7, trees interleaved; load average {os.getloadavg()[0]:.1f})")
    for label, cli in (("nianbao --help", ["--help"]), ("nianbao extract one.txt", ["extract", str(SAMPLE)])):
        argv = ["-c", "import sys; from extractor.cli.main import main; sys.exit(main())", *cli]
        for _, tree in trees:  # the first run compiles the tree's bytecode (an installed package ships it)
            _wall(tree, argv)
        times: dict[str, list[float]] = {name: [] for name, _ in trees}
        for _ in range(7):
            for name, tree in trees:
                times[name].append(_wall(tree, argv))
        for name, _ in trees:
            print(f"  [{name}] {label:26} {min(times[name]) * 1000:5.0f} ms")
    if not args.skip_batch:
        print("## 4. peak memory of the batch process (rules, 1 worker)")
        for name, tree in trees:
            for size in (int(s) for s in args.sizes.split(",")):
                out = _python(tree, ["-m", "evals.bench_batch", "--count", str(size), "--jobs", "1"])
                peak = re.search(r"peak memory: batch process (\d+) MiB", out)
                rate = re.search(r"(\d+) docs/s end to end", out)
                print(f"  [{name}] {size:6} documents: batch process {peak[1] if peak else '?'} MiB, "
                      f"{rate[1] if rate else '?'} docs/s end to end")
    return 0


def _pdf_engines(per_style: int) -> None:
    import pypdfium2

    from evals.synth.pdfrender import STYLES, embedded_font, pdf_docs
    from extractor.api import extract_document
    from extractor.load import _finish
    from extractor.load import pdf as pdfload
    from extractor.settings import Settings

    rules = Settings(backend="rules")
    sets = []
    for folder in sorted((ROOT / "evals" / "fixtures").iterdir()):
        gold = folder / "gold.json"
        pdfs = list(folder.glob("*.pdf"))
        if pdfs and gold.exists():
            sets.append(("real " + folder.name, [(json.loads(gold.read_text(encoding="utf-8"))["cells"],
                                                   pdfs[0].read_bytes())]))
    font = "embedded" if embedded_font() else "cid"
    for style in STYLES:
        sets.append((f"synthetic {style} ({font} font)", [(doc.cells, data) for doc, data in
                                                         pdf_docs(per_style, seed=1, style=style, font=font)]))
    engines = list(pdfload.ENGINES)
    for engine in engines:  # imports and first-call set-up are not a page's cost
        pdfload.load(sets[-1][1][0][1], "warm-up", engine)
    print(f"  {'set':40} " + "  ".join(f"{e:>24}" for e in engines))
    for name, docs in sets:
        row = []
        for engine in engines:
            right = total = pages = 0
            seconds = 0.0
            for truth, data in docs:
                pages += len(pypdfium2.PdfDocument(data))
                t = time.perf_counter()
                raw = pdfload.load(data, name, engine)
                seconds += time.perf_counter() - t
                result = extract_document(_finish(raw, data, "pdf", name, None), rules)
                for cid, want in truth.items():
                    if want is not None:
                        total += 1
                        right += result.cells.get(cid) is not None and result.cells[cid].value == want
            row.append(f"{right:>4}/{total:<4} {1000 * seconds / pages:7.1f} ms/p")
        print(f"  {name:40} " + "  ".join(f"{r:>24}" for r in row))


_PYCACHE = tempfile.mkdtemp(prefix="nianbao-bench-pycache-") if __name__ == "__main__" else None


def _env(tree: Path) -> dict:
    # Bytecode is cached (outside the trees) even where PYTHONDONTWRITEBYTECODE is set: without it
    # every start compiles the project's ~60 modules again (~100 ms), which no installed copy does.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(tree), **({"PYTHONPYCACHEPREFIX": _PYCACHE} if _PYCACHE else {})}


def _python(tree: Path, args: list[str]) -> str:
    done = subprocess.run([sys.executable, *args], cwd=tree, env=_env(tree), capture_output=True, text=True)
    if done.returncode:
        return done.stdout + done.stderr
    return done.stdout


def _wall(tree: Path, args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=tree, env=_env(tree), capture_output=True)
    return time.perf_counter() - t


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    finally:
        if _PYCACHE:
            shutil.rmtree(_PYCACHE, ignore_errors=True)
