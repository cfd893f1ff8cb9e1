"""Validator benchmark: localisation on synthetic single-cell errors, recall on the gold fixtures.

    python -m evals.bench_validator [--n 1000] [--seed 0] [--texts]

1. Synthetic: ``n`` random consistent 表三/表四 cell sets, half 2019 and half 2021
   (:func:`evals.synth.truth.random_cells`); then again for 2021 tables whose three （六）
   sub-rows are missing, as in the hybrid Hongze reports. On each consistent set, any
   ``error`` finding is a false alarm. Then one cell is changed (:func:`evals.synth.truth.inject`):
   *detectable* when no values of the missing cells can make the identities hold again;
   detection = a hard-rule error; a case is
   *identifiable* when exactly one cell can be set to a valid value that makes every identity
   hold (decided here by trying each cell against the identities written out anew, not with
   the validator's equations); localisation = the validator's repair names that cell and its
   original value.
2. Fixtures: each gold.json turned into a Result (gold values as ``ok`` cells) and validated
   with the document's text; the gold findings in the validator's scope (H1–H5, S, N) are matched
   one to one by rule (and by cells where gold names cells: :func:`evals.findings.matches`).
3. With ``--texts``: one table number at a time changed in each fixture's text and the text
   extracted again through the public API (reader and validator together).
"""
from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from functools import cache
from pathlib import Path

from evals.findings import matches
from evals.synth.truth import inject, random_cells
from extractor.api import extract_text
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

HYBRID_ROWS = ("other.no_correction", "other.no_fee", "other.other")  # printed as one row, read as missing


@cache
def _identities(template: str) -> list[tuple[list[str], list[str]]]:
    """H1–H4 as (left, right) id lists, written out here rather than taken from the validator."""
    out = []
    for col in (*APPLICANTS, "total"):
        out.append(([f"p3.new_received.{col}", f"p3.carried_over.{col}"],
                    [f"p3.outcome_total.{col}", f"p3.carried_forward.{col}"]))
        out.append(([f"p3.{r}.{col}" for r in outcome_rows(template)], [f"p3.outcome_total.{col}"]))
    for row in p3_rows(template):
        out.append(([f"p3.{row}.{c}" for c in APPLICANTS], [f"p3.{row}.total"]))
    for b in P4_BLOCKS:
        out.append(([f"p4.{b}.{leaf}" for leaf in P4_LEAVES], [f"p4.{b}.total"]))
    return out


def consistent(cells: dict[str, int | None], template: str) -> bool:
    """Can every identity hold, missing cells (None) being any counts ≥ 0?"""
    for left, right in _identities(template):
        gap = sum(cells[c] for c in left if cells[c] is not None) - sum(cells[c] for c in right if cells[c] is not None)
        free_left = any(cells[c] is None for c in left)
        free_right = any(cells[c] is None for c in right)
        if (gap > 0 and not free_right) or (gap < 0 and not free_left) or (gap != 0 and not (free_left or free_right)):
            return False
    return True


def single_fixes(cells: dict[str, int | None], template: str) -> list[tuple[str, int]]:
    """Every (cell, value ≥ 0) that alone makes all identities hold, by trying each known cell:
    its value is fixed by its own row (表三) or block (表四) total."""
    fixes = []
    for cid, old in cells.items():
        group, leaf = cid.rsplit(".", 1)
        siblings = [f"{group}.{x}" for x in (P4_LEAVES if cid.startswith("p4.") else APPLICANTS)]
        others = [cells[s] for s in siblings if s != cid] + ([] if leaf == "total" else [cells[f"{group}.total"]])
        if old is None or None in others:
            continue
        value = (sum(cells[s] for s in siblings) if leaf == "total"
                 else cells[f"{group}.total"] - sum(cells[s] for s in siblings if s != cid))
        if value >= 0 and value != old and consistent({**cells, cid: value}, template):
            fixes.append((cid, value))
    return fixes


def table_cells(template: str, rng: random.Random, hybrid: bool = False) -> dict[str, int | None]:
    """A consistent 表三/表四; ``hybrid``: a report that printed one （六） row of zeros, whose
    three 2021 sub-rows are therefore missing."""
    cells: dict[str, int | None] = {c: v for c, v in random_cells(template, rng)[0].items() if c[:3] in ("p3.", "p4.")}
    if not hybrid:
        return cells
    for col in APPLICANTS:
        for row in HYBRID_ROWS:
            cells[f"p3.{row}.{col}"] = 0
        concluded = sum(cells[f"p3.{r}.{col}"] for r in outcome_rows(template))
        cells[f"p3.outcome_total.{col}"] = concluded
        cells[f"p3.carried_over.{col}"] = min(cells[f"p3.carried_over.{col}"], concluded + cells[f"p3.carried_forward.{col}"])
        cells[f"p3.new_received.{col}"] = (concluded + cells[f"p3.carried_forward.{col}"]
                                           - cells[f"p3.carried_over.{col}"])
    for row in p3_rows(template):
        cells[f"p3.{row}.total"] = sum(cells[f"p3.{row}.{c}"] for c in APPLICANTS)
    return {c: None if c.rsplit(".", 1)[0][3:] in HYBRID_ROWS else v for c, v in cells.items()}


def synthetic(n: int, seed: int, hybrid: bool = False) -> dict[str, float]:
    """``hybrid``: 2021 tables whose three （六） sub-rows are missing (as in the Hongze reports)."""
    stats = Counter()
    for i in range(n):
        rng = random.Random(f"bench-validator:{seed}:{i}")
        template = "2021" if hybrid else ("2019", "2021")[i % 2]
        truth = table_cells(template, rng, hybrid)
        assert consistent(truth, template)
        stats["false_alarms"] += _errors(validate(cells_result(truth, template)))
        change = inject(truth, template, rng, frozen=set())
        if change is None:
            continue
        cell = change.cell
        bad = {**truth, cell: change.new}
        findings = validate(cells_result(bad, template))
        stats["cases"] += 1
        stats[f"cases_{cell[:2]}"] += 1
        if consistent(bad, template):
            continue  # the rules cannot see this change
        stats["detectable"] += 1
        stats["detected"] += _errors(findings) > 0
        repairs = {(f.repair.cell, f.repair.value) for f in findings if f.repair}
        fixes = single_fixes(bad, template)
        if len(fixes) == 1:
            stats["identifiable"] += 1
            stats[f"identifiable_{cell[:2]}"] += 1
            stats["localised"] += repairs == {(cell, change.old)}
        else:
            stats["wrong_repair"] += bool(repairs - {(cell, change.old)})
    c = stats["cases"]
    return {
        "cases": c, "detectable": stats["detectable"] / c, "detection": stats["detected"] / max(stats["detectable"], 1),
        "identifiable": stats["identifiable"] / c,
        "identifiable_in_表三": stats["identifiable_p3"] / max(stats["cases_p3"], 1),
        "identifiable_in_表四": stats["identifiable_p4"] / max(stats["cases_p4"], 1),
        "localisation": stats["localised"] / max(stats["identifiable"], 1),
        "repairs_when_not_identifiable_that_are_wrong": stats["wrong_repair"],
        "error_findings_on_consistent": stats["false_alarms"],
    }


def _errors(findings: list[Finding]) -> int:
    return sum(f.severity == "error" and f.rule in HARD | {"S1"} for f in findings)


# -- real texts ----------------------------------------------------------------------------------

def text_edits(folders: list[Path], seed: int = 0) -> dict[str, Counter]:
    """Change one 表三/表四 number in a fixture's text at a time, extract it again with the public
    API, and see whether the validator names that cell and its printed value. Needs a reader that
    fills cells with spans; errors the report already had are left out of the comparison."""
    out = {}
    for folder in folders:
        text = _text(folder)
        base = extract_text(text)
        known = {(f.repair.cell, f.repair.value) for f in base.findings if f.repair}
        rng, stats = random.Random(f"text-edits:{seed}:{folder.name}"), Counter()
        for cid, cell in base.cells.items():
            if cid[:2] not in ("p3", "p4") or cell.status != "ok" or cell.span is None:
                continue
            old = int(cell.value)
            new = old + rng.choice((1, 2, 3, 10)) if old == 0 or rng.random() < 0.7 else 0
            result = extract_text(text[:cell.span[0]] + str(new) + text[cell.span[1]:])
            if result.cells[cid].value != new:
                stats["not_read_back"] += 1
                continue
            repairs = {(f.repair.cell, f.repair.value) for f in result.findings if f.repair} - known
            stats[f"cases_{cid[:2]}"] += 1
            stats["detected"] += any(f.severity == "error" for f in result.findings if f.rule in HARD)
            stats[f"localised_{cid[:2]}"] += repairs == {(cid, old)}
            stats["wrong_repair"] += bool(repairs - {(cid, old)})
        out[folder.name] = stats
    return out


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
            hit = next((f for f in unused if matches(f, g)), None)
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
    ap.add_argument("--texts", action="store_true", help="also change numbers in the fixtures' texts (slow)")
    args = ap.parse_args(argv)
    for hybrid in (False, True):
        what = "2021 tables without the three （六） sub-rows" if hybrid else "complete tables, 2019 and 2021"
        print(f"synthetic single-cell errors, {what} (n={args.n}, seed={args.seed}):")
        for k, v in synthetic(args.n, args.seed, hybrid).items():
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
    if args.texts:
        print("one number changed in a fixture's text, extracted again (rules H1–H5):")
        for name, st in text_edits(sorted(p for p in FIXTURES.iterdir() if (p / "gold.json").exists())).items():
            cases = st["cases_p3"] + st["cases_p4"]
            print(f"  {name:24} cases {cases:3}  detected {st['detected']:3}  localised 表三 {st['localised_p3']}/"
                  f"{st['cases_p3']} 表四 {st['localised_p4']}/{st['cases_p4']}  wrong repairs {st['wrong_repair']}"
                  + ("  (no table cells read)" if not cases else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
