"""One document of a batch as the page shows it, and review decisions on it.

Decisions go through :class:`extractor.review.Review` into the batch's ``out/review.sqlite``:
the same store, the same rules and the same audit log as ``nianbao review``.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extractor.errors import InputError
from extractor.review import Review, Store
from extractor.review.folder import Entry, ResultsFolder
from extractor.review.queue import proposed_repair
from extractor.review.store import DECISIONS
from schemas import Result, specs

ACTIONS = (*DECISIONS, "undo")


@contextmanager
def opened(out: Path, reviewer: str) -> Iterator[Review]:
    folder = ResultsFolder(out)
    with Store(folder.store_path) as store:
        yield Review(folder, store, reviewer)


def entry_of(review: Review, key: str) -> Entry | None:
    return next((e for e in review.entries if e.key == key), None)


def view(review: Review, entry: Entry, name: str) -> dict:
    """The reviewed document: its tables as grids of cells, what needs a look, its text."""
    result = review.result(entry)
    queue = review.queue(entry)
    needs = {item.cell: list(item.reasons) for item in queue}
    decided = review.in_force(entry)
    return {
        "key": entry.key, "name": name, "sha256": entry.sha,
        "meta": result.meta.model_dump(),
        "tables": tables(result, needs, {cid: e.action for cid, e in decided.items()}),
        "queue": [item.cell for item in queue],
        "findings": [f.model_dump() for f in result.findings if f.severity in ("error", "warning")],
        "text": entry.text,
    }


def tables(result: Result, needs: dict[str, list[str]], decided: dict[str, str]) -> list[dict]:
    """Each table of the template as rows × columns, in the contract's order."""
    grids: dict[tuple[str, str], dict] = {}
    for cid, spec in specs(result.meta.template).items():
        grid = grids.setdefault((spec.part, spec.table), {"part": spec.part, "table": spec.table,
                                                           "columns": [], "rows": {}})
        if spec.column not in grid["columns"]:
            grid["columns"].append(spec.column)
        cell = result.cells.get(cid)
        repair = proposed_repair(result, cid)
        grid["rows"].setdefault(spec.row, {})[spec.column] = {
            "id": cid, "unit": spec.unit,
            "value": cell.value if cell else None,
            "status": cell.status if cell else "missing",
            "confidence": cell.confidence if cell else 0.0,
            "span": list(cell.span) if cell and cell.span else None,
            "raw": cell.raw if cell else None,
            "note": cell.note if cell else None,
            "needs": needs.get(cid, []),
            "repair": repair[0] if repair else None,
            "decided": decided.get(cid),
        }
    return [{**g, "rows": [{"label": label, "cells": [cells.get(c) for c in g["columns"]]}
                           for label, cells in g["rows"].items()]} for g in grids.values()]


def decide(review: Review, entry: Entry, cell: str, action: str, value: str | None,
           reason: str | None = None) -> dict:
    """Record one decision (or undo the latest one on ``cell``); returns what was recorded."""
    if action == "undo":
        event = review.in_force(entry).get(cell)
        if event is None:
            raise InputError(f"{cell}: no decision to undo")
        undone = review.store.record(entry.sha, cell, event.new, event.old, "undo", review.reviewer)
        return {"cell": cell, "action": "undo", "old": undone.old, "new": undone.new}
    if action not in DECISIONS:
        raise InputError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    if action == "correct" and (value is None or str(value).strip() == ""):
        raise InputError("a correction needs a value")
    event = review.decide(entry, cell, action, value, reason)
    return {"cell": cell, "action": event.action, "old": event.old, "new": event.new,
            "reviewer": event.reviewer, "at": event.at, "reason": event.reason}
