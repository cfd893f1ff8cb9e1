"""Cross-year checks inside a batch: pair each issuer's consecutive years, run S2 and S3.

- S2: this year's 二、上年结转 (``p3.carried_over.*``) = last year's 四、结转下年度继续办理
  (``p3.carried_forward.*``), column by column.
- S3 (2021 format, 第二十条第（一）项): 现行有效件数(Y) = 现行有效件数(Y−1) + 本年制发件数(Y)
  − 本年废止件数(Y), for 规章 and 行政规范性文件.

:func:`chain_findings` is the one place these rules live in batch runs; when the validator
implements them (``extractor.validate.validate(result, text, previous)``), route it there.

Reports name the same issuer differently from year to year (洪泽区人民政府 in 2023,
淮安市洪泽区人民政府 in 2024), so a name is matched to a longer one in the batch that
only adds parent regions in front, when exactly one such longer name exists. A year is
paired only when the issuer has one document in it and one in the year before.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from extractor.normalize import squash
from schemas import Cell, Finding, Result, cell_ids, specs

_CARRIED = tuple((cid, cid.replace("p3.carried_over.", "p3.carried_forward.", 1))
                 for cid in cell_ids(None) if cid.startswith("p3.carried_over."))
_STOCKS = ("p2.regulations", "p2.normative_documents")
_REGION = re.compile(r"[省市区县州盟旗镇乡]")
RULES = ("S2", "S3")


def applicable(rule: str, current_template: str | None, previous_template: str | None) -> bool:
    return rule == "S2" or (current_template == previous_template == "2021")


def chain_findings(current: Result, previous: Result) -> list[Finding]:
    """S2 and S3 for a report and its issuer's report of the year before.

    A rule that cannot be checked because cells are missing gives an ``info`` finding with
    ``blocked_by``; a broken one a ``warning`` (soft rules: agencies restate figures).
    """
    now, before, year = current.cells, previous.cells, previous.meta.year
    s2 = [(cid, [_Term(pid, before.get(pid), 1, False)]) for cid, pid in _CARRIED]
    out = _compare("S2", "cross_year.carried_over", now, s2, lambda cid, actual, expected: (
        f"上年结转（{specs(None)[cid].column}）{_n(actual)} 件，与{year}年报告的结转下年度继续办理 "
        f"{_n(expected)} 件不一致"))
    if applicable("S3", current.meta.template, previous.meta.template):
        s3 = [(f"{s}.in_force", [_Term(f"{s}.in_force", before.get(f"{s}.in_force"), 1, False),
                                 _Term(f"{s}.issued", now.get(f"{s}.issued"), 1, True),
                                 _Term(f"{s}.repealed", now.get(f"{s}.repealed"), -1, True)]) for s in _STOCKS]
        out += _compare("S3", "cross_year.in_force", now, s3, lambda cid, actual, expected: (
            f"{specs('2021')[cid].row}现行有效件数 {_n(actual)}，而{year}年的现行有效件数加本年制发、减本年废止"
            f"为 {_n(expected)}"))
    return out


class _Term(NamedTuple):
    cid: str
    cell: Cell | None
    weight: int
    this_year: bool


def _compare(rule: str, check: str, now: dict[str, Cell], equations, message) -> list[Finding]:
    """Each equation ``(target, terms)`` states: this year's target = Σ weight · term."""
    found, blocked = [], []
    for target, terms in equations:
        cells = [(target, now.get(target)), *((t.cid, t.cell) for t in terms)]
        missing = [cid for cid, cell in cells if cell is None or cell.value is None]
        if missing:
            blocked += missing
            continue
        actual, expected = now[target].value, sum(t.cell.value * t.weight for t in terms)
        if actual != expected:
            found.append(Finding(rule=rule, check=check, severity="warning", expected=expected, actual=actual,
                                 cells=[target, *(t.cid for t in terms if t.this_year)],
                                 message=message(target, actual, expected)))
    if blocked and not found:
        found.append(Finding(rule=rule, check=check, severity="info", blocked_by=list(dict.fromkeys(blocked)),
                             message=f"{rule} 无法核对：缺少单元格（本年或上年报告）"))
    return found


def pairs(docs: Iterable[tuple[str, str | None, int | None]]) -> tuple[list[tuple[str, str]], int]:
    """``(previous key, current key)`` for each issuer's consecutive years, and how many
    issuer-years hold several documents: those are not paired, since which report follows
    which cannot be told (town names repeat across counties). ``docs``: (key, issuer, year)."""
    docs = [(key, squash(issuer), year) for key, issuer, year in docs if issuer and year]
    canonical = _canonical_names({name for _, name, _ in docs})
    by_year: dict[tuple[str, int], list[str]] = defaultdict(list)
    for key, name, year in docs:
        by_year[canonical[name], year].append(key)
    found = sorted((prev[0], keys[0]) for (name, year), keys in by_year.items()
                   if len(keys) == 1 and len(prev := by_year.get((name, year - 1), ())) == 1)
    return found, sum(len(keys) > 1 for keys in by_year.values())


def _canonical_names(names: set[str]) -> dict[str, str]:
    longer: dict[str, set[str]] = defaultdict(set)  # name → the longer names it is a short form of
    for name in names:
        for short in _short_forms(name):
            longer[short].add(name)
    out = {}
    for name in names:
        candidates = longer.get(name, set())
        widest = {c for c in candidates if not (longer.get(c, set()) & candidates)}
        out[name] = widest.pop() if len(widest) == 1 else name
    return out


def _short_forms(name: str) -> list[str]:
    """淮安市洪泽区人民政府 → [洪泽区人民政府]: the name less leading parent regions, each still
    naming a place (a region word after at least one character: not 人民政府, not 市场监督管理局)."""
    return [rest for m in _REGION.finditer(name) if _REGION.search(rest := name[m.end():], 1)]


def _n(x: float) -> str:
    return f"{x:g}"
