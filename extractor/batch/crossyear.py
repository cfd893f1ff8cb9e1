"""Cross-year checks inside a batch: pair each issuer's consecutive years, run S2 and S3.

The rules themselves are the validator's (``extractor.validate.soft``: S2 上年结转 = last
year's 结转下年度; S3 现行有效 = last year's + 本年制发 − 本年废止, 2021 format); this module
only finds which reports follow which.

Reports name the same issuer differently from year to year (洪泽区人民政府 in 2023,
淮安市洪泽区人民政府 in 2024), so a name is matched to a longer one in the batch that
only adds parent regions in front, when exactly one such longer name exists. A year is
paired only when the issuer has one document in it and one in the year before.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from extractor.normalize import squash
from extractor.validate import soft
from extractor.validate.context import Context
from schemas import Finding, Result

_REGION = re.compile(r"[省市区县州盟旗镇乡]")
RULES = ("S2", "S3")


def applicable(rule: str, current_template: str | None, previous_template: str | None) -> bool:
    return rule == "S2" or (current_template == previous_template == "2021")


def chain_findings(current: Result, previous: Result) -> list[Finding]:
    """S2 and S3 for a report and its issuer's report of the year before (the validator's
    checks): a broken rule is a ``warning``, one blocked by missing cells an ``info``."""
    return soft.cross_year(Context(current, None, previous))


def pairs(docs: Iterable[tuple[str, str | None, int | None]]) -> tuple[list[tuple[str, str]], int]:
    """``(previous key, current key)`` for each issuer's consecutive years, and how many
    issuer-years hold several documents: those are not paired, since which report follows
    which cannot be told (town names repeat across counties). ``docs``: (key, issuer, year).

    Kept while ``docs`` streams by: one entry per distinct (issuer, year), with how many reports
    it has and the key of one of them (a pair needs exactly one), not a record per report."""
    squashed: dict[str, str] = {}  # issuer as written → its squashed name
    seen: dict[tuple[str, int], list] = {}  # (squashed name, year) → [reports, a key]
    for key, issuer, year in docs:
        if not (issuer and year):
            continue
        name = squashed.get(issuer)
        if name is None:
            name = squashed[issuer] = squash(issuer)
        entry = seen.get((name, year))
        if entry is None:
            seen[name, year] = [1, key]
        else:
            entry[0] += 1
    del squashed
    canonical = _canonical_names({name for name, _ in seen})
    by_year: dict[tuple[str, int], list] = {}  # (canonical name, year) → [reports, a key]
    for (name, year), (count, key) in seen.items():
        entry = by_year.setdefault((canonical[name], year), [0, key])
        entry[0] += count
    del seen
    found = sorted((prev[1], entry[1]) for (name, year), entry in by_year.items()
                   if entry[0] == 1 and (prev := by_year.get((name, year - 1))) is not None and prev[0] == 1)
    return found, sum(entry[0] > 1 for entry in by_year.values())


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
