"""Glued rows: how many the decoder reads, and how fast, on generated ``glued`` reports.

For each of tables 二, 三 and 四, over the cells the reports print (the truth is not null and
not ambiguous): the share read right, the wrong values at status ``ok`` (silent errors), the
cells ``flagged`` with candidate splits, the cells ``missing`` with a cause, and the rows
decoded to a single split. Then the time per report through ``extract()``. Usage::

    python -m evals.bench_glued [--count 1000] [--seed 0]
"""
from __future__ import annotations

import argparse
import time
from collections import Counter

from evals.synth import generate
from extractor import extract
from extractor.settings import Settings

_TABLES = {"p2": "二", "p3": "三", "p4": "四"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    settings = Settings(backend="rules")
    stats: dict[str, Counter] = {t: Counter() for t in _TABLES.values()}
    seconds = 0.0
    silent: list[str] = []
    bands: dict[str, Counter] = {}  # decoded cells by how they were decided: confidence and accuracy
    for doc in generate(args.count, args.seed, layouts=["glued"]):
        start = time.process_time()
        result = extract(doc.data, settings)
        seconds += time.process_time() - start
        rows: dict[str, list[bool]] = {}
        for cid, truth in doc.cells.items():
            if truth is None or cid in doc.ambiguous:
                continue
            table = _TABLES[cid[:2]]
            cell = result.cells[cid]
            s = stats[table]
            s["printed"] += 1
            right = cell.value is not None and abs(cell.value - truth) < 1e-9
            if right:
                s["right"] += 1
            elif cell.value is not None and cell.status == "ok":
                s["silent"] += 1
                silent.append(f"{doc.name} {cid}: {cell.value} (truth {truth})")
            if not right:
                if cell.status == "flagged" and cell.readings:
                    s["flagged_with_candidates"] += 1
                elif cell.status == "missing" and cell.note:
                    s["missing_with_cause"] += 1
                else:
                    s["other"] += 1
            if "粘连" in (cell.note or "") and cell.value is not None:
                how = _how(cell.note, cell.status)
                b = bands.setdefault(how, Counter())
                b["cells"] += 1
                b["right"] += right
                b["confidence"] += cell.confidence
            row = cid.rsplit(".", 1)[0] if table != "四" else "p4"
            rows.setdefault(row, []).append(cell.status == "ok" and right and "粘连" in (cell.note or ""))
        for row, decoded in rows.items():
            s = stats[_TABLES[row[:2]]]
            s["rows"] += 1
            s["rows_decoded"] += all(decoded)
    print(f"{args.count} glued reports (seed {args.seed}), {1000 * seconds / args.count:.2f} ms CPU per report "
          f"through extract()")
    for table, s in stats.items():
        n = max(s["printed"], 1)
        print(f"表{table}: {s['printed']} printed cells, right {s['right'] / n:.4f}, silent {s['silent']}, "
              f"flagged with candidates {s['flagged_with_candidates']}, missing with a cause "
              f"{s['missing_with_cause']}, other {s['other']}; rows decoded to one split by the glue decoder "
              f"{s['rows_decoded']}/{s['rows']}")
    print("decoded cells by how the split was decided (confidence after the validator):")
    for how, b in sorted(bands.items()):
        print(f"  {how:28} {b['cells']:6} cells, mean confidence {b['confidence'] / b['cells']:.3f}, "
              f"right {b['right'] / b['cells']:.4f}")
    for line in silent[:20]:
        print("silent:", line)
    return 0


def _how(note: str, status: str) -> str:
    if status != "ok":
        return "several splits (flagged)" if "种拆分" in note else "other (flagged)"
    if "勾稽关系印证" in note:
        return "unique + column identities"
    if "只容其一" in note:
        return "picked by column identities"
    return "unique, own row only"


if __name__ == "__main__":
    raise SystemExit(main())
