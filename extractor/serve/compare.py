"""One issuer's reports year by year: its tables side by side, changes and broken links marked.

Which report follows which is the batch's own pairing (:mod:`extractor.batch.crossyear`:
one report per issuer and year, names matched across years); the cross-year rules S2
(结转下年度 → next year's 上年结转) and S3 are the validator's.
"""
from __future__ import annotations

from typing import Any

from extractor.batch import crossyear
from extractor.serve.documents import tables
from schemas import Result


def issuers(results: dict[str, Result]) -> list[dict]:
    """Groups of reports by issuer (linked through consecutive years), the latest name first."""
    docs = [(key, r.meta.issuer, r.meta.year) for key, r in results.items()]
    pairs, _ = crossyear.pairs(docs)
    parent = {key: key for key in results}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for prev, cur in pairs:
        parent[root(prev)] = root(cur)
    groups: dict[str, list[str]] = {}
    for key in results:
        groups.setdefault(root(key), []).append(key)
    out = []
    for keys in groups.values():
        keys.sort(key=lambda k: (results[k].meta.year or 0, k))
        latest = results[keys[-1]].meta
        out.append({"issuer": latest.issuer or "（单位未识别）", "keys": keys,
                    "years": [results[k].meta.year for k in keys]})
    return sorted(out, key=lambda g: (-len(g["keys"]), g["issuer"]))


def _previous_side(rule: str, cells: list[str]) -> list[str]:
    """The earlier report's cells in a broken cross-year link (the finding names this year's):
    S2 compares 上年结转 with last year's 结转下年度; S3 this year's 现行有效 with last year's."""
    if rule == "S2":
        return [c.replace("p3.carried_over.", "p3.carried_forward.") for c in cells]
    if rule == "S3":
        return [c for c in cells if c.endswith(".in_force")]
    return []


def compare(results: dict[str, Result], keys: list[str], names: dict[str, str]) -> dict:
    """The reports ``keys`` (one issuer, by year): grids per year with ``changed`` and ``link``
    marks on cells, and the cross-year findings between consecutive years (severity ``info``:
    the link could not be checked)."""
    ordered = sorted(keys, key=lambda k: (results[k].meta.year or 0, k))
    years: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    flagged: dict[str, set[str]] = {}
    previous: tuple[str, Result] | None = None
    pairs = 0  # consecutive years checked
    for key in ordered:
        result = results[key]
        if previous and previous[1].meta.year is not None and result.meta.year == previous[1].meta.year + 1:
            pairs += 1
            for f in crossyear.chain_findings(result, previous[1]):
                links.append({"rule": f.rule, "year": result.meta.year, "previous_year": previous[1].meta.year,
                              "message": f.message, "cells": f.cells, "severity": f.severity})
                if f.severity == "info":  # not checkable (cells missing): said so, nothing marked
                    continue
                flagged.setdefault(key, set()).update(f.cells)
                flagged.setdefault(previous[0], set()).update(_previous_side(f.rule, f.cells))
        grids = tables(result, {}, {})
        before = previous[1].cells if previous else {}
        for grid in grids:
            for row in grid["rows"]:
                for cell in row["cells"]:
                    if cell is None:
                        continue
                    old = before.get(cell["id"])
                    cell["changed"] = bool(previous) and old is not None and old.value != cell["value"]
        years.append({"key": key, "name": names.get(key, key), "year": result.meta.year,
                      "template": result.meta.template, "tables": grids})
        previous = (key, result)
    # Links are marked once every pair is checked: a year's earlier side is known only from the next.
    for y in years:
        for grid in y["tables"]:
            for row in grid["rows"]:
                for cell in row["cells"]:
                    if cell is not None:
                        cell["link"] = cell["id"] in flagged.get(y["key"], set())
    return {"issuer": results[ordered[-1]].meta.issuer, "years": years, "links": links, "pairs": pairs}
