"""Test material for the review: a results folder made from sample fixtures, and a fake validator.

The folder is made by extracting the samples and then filling the cells from their gold.json
(the values a reader would have read), with 表四 spans located in the text; the fake
validator implements the one hard rule H4 (表四 总计 = the four outcomes) with its repair and
replaces the real validator's arithmetic findings.
"""
from __future__ import annotations

import atexit
import json
import re
import shutil
import tempfile
from pathlib import Path

from extractor.resultsdir import key_of
from extractor.review.folder import open_folder
from extractor.settings import Settings
from schemas import Cell, Finding, Repair, Result
from tests.conftest import FIXTURES, fixture_file

SAMPLES = ("003_589bf4f08d70f012", "hongze-2023")
LOW = {"003_589bf4f08d70f012": ("p3.new_received.total", "p2.procurement.amount")}
_BUILT: dict[tuple[str, ...], Path] = {}
_BLOCKS = ("review", "suit_direct", "suit_after_review")
_OUTCOMES = ("upheld", "corrected", "other", "pending")


def fake_check(result: Result, text: str | None = None, previous: Result | None = None) -> Result:
    """Same interface as ``extractor.validate.check``; H4 only, a repair on the 总计 cell."""
    findings, flagged = [], set()
    for block in _BLOCKS:
        ids = [f"p4.{block}.{o}" for o in _OUTCOMES]
        total_id = f"p4.{block}.total"
        values = [result.cells[c].value for c in (*ids, total_id)]
        if None in values or sum(values[:4]) == values[4]:
            continue
        findings.append(Finding(
            rule="H4", check=f"p4.{block}.total", severity="error", cells=[*ids, total_id],
            message=f"表四 {block}: 总计 {values[4]} ≠ 分项之和 {sum(values[:4])}",
            expected=sum(values[:4]), actual=values[4], repair=Repair(cell=total_id, value=sum(values[:4])),
            cause="source"))
        flagged.update([*ids, total_id])
    cells = {cid: c.model_copy(update={"status": "flagged"}) if cid in flagged and c.status == "ok" else c
             for cid, c in result.cells.items()}
    return result.model_copy(update={"cells": cells, "findings": [*result.findings, *findings]})


def make_folder(root: Path, samples: tuple[str, ...] = SAMPLES) -> Path:
    """A fresh copy, at ``root``, of a results folder with the samples extracted, filled from
    gold, and checked by the fake (built once per test run: extracting a PDF takes a while)."""
    if samples not in _BUILT:
        scratch = tempfile.mkdtemp(prefix="nianbao-review-kit-")
        atexit.register(shutil.rmtree, scratch, True)
        _BUILT[samples] = _build(Path(scratch) / "results", samples)
    shutil.copytree(_BUILT[samples], root)
    return root


def _build(root: Path, samples: tuple[str, ...]) -> Path:
    for name in samples:
        source = fixture_file(name)
        folder = open_folder(source, root, Settings(backend="rules"))
        entry = next(e for e in folder.entries if e.name == source.name)
        gold = json.loads((FIXTURES / name / "gold.json").read_text(encoding="utf-8"))["cells"]
        spans = _table4_spans(entry.text, entry.result, gold)
        cells = {}
        for cid, cell in entry.result.cells.items():
            value = gold.get(cid)
            if value is None:
                cells[cid] = cell
                continue
            low = cid in LOW.get(name, ())
            cells[cid] = Cell(value=value, status="flagged" if low else "ok", confidence=0.5 if low else 0.95,
                              reader="rules", span=spans.get(cid), raw=str(value))
        # The fake validator alone decides the arithmetic findings (the real ones saw other values).
        kept = [f for f in entry.result.findings if f.rule not in ("H1", "H2", "H3", "H4", "H5", "S1")]
        result = fake_check(entry.result.model_copy(update={"cells": cells, "findings": kept}))
        path = root / "results" / f"{key_of(result.source.sha256)}.json"
        path.write_text(result.model_dump_json(indent=1), encoding="utf-8")
    return root


def _table4_spans(text: str, result: Result, gold: dict) -> dict[str, tuple[int, int]]:
    """The printed 表四 values are the last numbers of the row of numbers in part 四."""
    ids = [cid for cid in gold if cid.startswith("p4.") and gold[cid] is not None]
    start, end = result.parts["p4"].span
    for line in reversed(list(re.finditer(r"[^\n]+", text[start:end]))):
        numbers = list(re.finditer(r"\d+", line.group()))
        if len(numbers) >= len(ids):
            base = start + line.start()
            return {cid: (base + m.start(), base + m.end()) for cid, m in zip(ids, numbers[-len(ids):])}
    return {}
