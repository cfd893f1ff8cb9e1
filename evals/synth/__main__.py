"""``python -m evals.synth COUNT [--seed S] [--out DIR] [--inject]``: generate, time, optionally write.

With ``--out``, each document is written as ``DIR/<name>.txt|.html`` beside ``DIR/<name>.truth.json``
(template, year, issuer, layout, features, cells, ambiguous, injected).
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from evals.synth import LAYOUTS, generate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.synth", description=__doc__.splitlines()[0])
    p.add_argument("count", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layout", action="append", choices=LAYOUTS, help="restrict to these layouts")
    p.add_argument("--inject", action="store_true", help="break one hard rule per document")
    p.add_argument("--out", type=Path, help="write documents and truth here")
    args = p.parse_args(argv)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    chars = 0
    for doc in generate(args.count, args.seed, layouts=args.layout, inject_error=args.inject):
        chars += len(doc.text)
        if args.out:
            (args.out / f"{doc.name}{doc.suffix}").write_text(doc.text, encoding="utf-8")
            truth = {k: v for k, v in asdict(doc).items() if k not in ("text", "suffix")}
            (args.out / f"{doc.name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    seconds = time.perf_counter() - start
    print(f"{args.count} documents, {chars / max(args.count, 1):,.0f} characters each on average, "
          f"in {seconds:.2f} s ({args.count / seconds:,.0f} documents/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
