"""Validator benchmark: localisation on synthetic single-cell errors, recall on the gold fixtures.

    python -m evals.bench_validator [--n 1000] [--seed 0]

1. Synthetic: ``n`` random consistent 表三/表四 cell sets per template (:mod:`evals.synth_cells`).
   On each consistent set: any ``error`` finding is a false alarm. Then one cell is corrupted:
   detection = some hard-rule error; a case is *identifiable* when exactly one cell can be set
   to a valid value that makes every identity hold (decided here by brute force, independently
   of the validator's equations); localisation = the validator's repair names that cell and its
   original value.
2. Fixtures: each gold.json turned into a Result (gold values as ``ok`` cells) and validated
   with the document's text; the gold findings in the validator's scope (H1–H5, S, N) are matched
   by rule (and by cells where gold names cells).
"""
from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from functools import cache
from pathlib import Path

from evals.synth_cells import consistent_cells, corrupt
from extractor.load import load
from extractor.narrative import read_narrative
from extractor.parts import split_parts
from extractor.validate import validate
from extractor.validate.equations import APPLICANTS, P4_BLOCKS, P4_LEAVES, outcome_rows, p3_rows
from schemas import Cell, Finding, Meta, Provenance, Result, Source, cell_ids

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HARD = {"H1", "H2", "H3", "H4", "H5"}


def cells_result(values: dict[str, float | None], template: str, **meta) -> Result:
    """A Result whose cells are ``values`` (``None`` → missing); other ids of the template missing."""
    cells = {}
    for cid in cell_ids(template):
        v = values.get(cid)
        cells[cid] = Cell(status="missing") if v is None else Cell(value=v, status="ok", confidence=0.9, reader="gold")
    return Result(source=Source(sha256="0" * 64, format="txt"), meta=Meta(template=template, **meta), cells=cells,
                  provenance=Provenance(nianbao="bench", backend="gold"))


def gold_result(folder: Path) -> tuple[Result, str, dict]:
    """The gold labels of a fixture as a Result, with the document's normalised text."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    text = _text(folder)
    parts = {k: p.info() for k, p in split_parts(text).items()}
    meta = gold["meta"]
    result = cells_result(gold["cells"], meta["template"], issuer=meta["issuer"], year=meta["year"])
    result = result.model_copy(update={"parts": parts, "narrative": read_narrative(text, parts)})
    return result, text, gold


@cache
def _text(folder: Path) -> str:
    source = next(f for f in folder.iterdir() if f.suffix.lower() in {".txt", ".pdf", ".docx", ".html"})
    return load(source).text


# -- synthetic ---------------------------------------------------------------------------------

def _all_hold(cells: dict[str, int], template: str) -> bool:
    """H1–H4 written out directly (not through extractor.validate.equations)."""
    for col in (*APPLICANTS, "total"):
        g = lambda row: cells[f"p3.{row}.{col}"]  # noqa: E731
        if g("new_received") + g("carried_over") != g("outcome_total") + g("carried_forward"):
            return False
        if sum(g(r) for r in outcome_rows(template)) != g("outcome_total"):
            return False
    for row in p3_rows(template):
        if sum(cells[f"p3.{row}.{c}"] for c in APPLICANTS) != cells[f"p3.{row}.total"]:
            return False
    return all(sum(cells[f"p4.{b}.{leaf}"] for leaf in P4_LEAVES) == cells[f"p4.{b}.total"] for b in P4_BLOCKS)


def single_fixes(cells: dict[str, int], template: str) -> list[tuple[str, int]]:
    """Every (cell, value ≥ 0) that alone makes all identities hold, by trying each cell."""
    fixes = []
    for cid in cells:
        group, leaf = cid.rsplit(".", 1)
        siblings = [f"{group}.{x}" for x in (P4_LEAVES if cid.startswith("p4.") else APPLICANTS)]
        total = f"{group}.total"
        value = (sum(cells[s] for s in siblings) if leaf == "total"
                 else cells[total] - sum(cells[s] for s in siblings if s != cid))
        if value < 0 or value == cells[cid]:
            continue
        trial = {**cells, cid: value}
        if _all_hold(trial, template):
            fixes.append((cid, value))
    return fixes


def synthetic(n: int, seed: int) -> dict[str, float]:
    stats = Counter()
    for i in range(n):
        rng = random.Random(f"bench-validator:{seed}:{i}")
        template = ("2019", "2021")[i % 2]
        truth = consistent_cells(template, rng)
        stats["false_alarms"] += _errors(validate(cells_result(truth, template)))
        cell, wrong = corrupt(truth, rng)
        bad = {**truth, cell: wrong}
        findings = validate(cells_result(bad, template))
        stats["cases"] += 1
        stats[f"cases_{cell[:2]}"] += 1
        stats["detected"] += _errors(findings) > 0
        repairs = {(f.repair.cell, f.repair.value) for f in findings if f.repair}
        fixes = single_fixes(bad, template)
        if len(fixes) == 1:
            stats["identifiable"] += 1
            stats[f"identifiable_{cell[:2]}"] += 1
            stats["localised"] += repairs == {(cell, truth[cell])}
        else:
            stats["wrong_repair"] += bool(repairs - {(cell, truth[cell])})
    c = stats["cases"]
    return {
        "cases": c, "detection": stats["detected"] / c, "identifiable": stats["identifiable"] / c,
        "identifiable_in_表三": stats["identifiable_p3"] / max(stats["cases_p3"], 1),
        "identifiable_in_表四": stats["identifiable_p4"] / max(stats["cases_p4"], 1),
        "localisation": stats["localised"] / max(stats["identifiable"], 1),
        "repairs_when_not_identifiable_that_are_wrong": stats["wrong_repair"],
        "error_findings_on_consistent": stats["false_alarms"],
    }


def _errors(findings: list[Finding]) -> int:
    return sum(f.severity == "error" and f.rule in HARD for f in findings)


# -- fixtures ----------------------------------------------------------------------------------

def in_scope(rule: str) -> bool:
    return rule in HARD or rule[0] in "SN" and rule[1:].isdigit()


def fixture_recall(folders: list[Path] | None = None) -> list[dict]:
    rows = []
    for folder in folders or sorted(p for p in FIXTURES.iterdir() if (p / "gold.json").exists()):
        result, text, gold = gold_result(folder)
        found = [f for f in validate(result, text) if in_scope(f.rule)]
        expected = [g for g in gold["findings"] if in_scope(g["rule"])]
        unused = list(found)
        matched, missed = [], []
        for g in expected:
            hit = next((f for f in unused if f.rule == g["rule"]
                        and (not g["cells"] or not f.cells or set(g["cells"]) & set(f.cells))), None)
            if hit:
                unused.remove(hit)
                matched.append((g, hit))
            else:
                missed.append(g)
        rows.append({"fixture": folder.name, "expected": len(expected), "found": len(matched),
                     "missed": missed, "matched": matched,
                     "extra": [f for f in unused if f.severity != "info"]})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="synthetic cases (half 2019, half 2021)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    print(f"synthetic single-cell errors (n={args.n}, seed={args.seed}):")
    for k, v in synthetic(args.n, args.seed).items():
        print(f"  {k:45} {v:.4f}" if isinstance(v, float) else f"  {k:45} {v}")
    print("gold fixtures (rules H1–H5, S*, N*):")
    total = found = 0
    for row in fixture_recall():
        total, found = total + row["expected"], found + row["found"]
        print(f"  {row['fixture']:24} {row['found']}/{row['expected']}")
        for g, f in row["matched"]:
            print(f"    ✓ {g['rule']:4} {f.severity:7} {f.message[:110]}")
        for g in row["missed"]:
            print(f"    ✗ {g['rule']:4} {g['note'][:110]}")
        for f in row["extra"]:
            print(f"    + {f.rule:4} {f.severity:7} {f.message[:110]}")
    print(f"  recall {found}/{total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
