"""A review session: decisions recorded in the store, applied to results, re-validated.

The current state of a document is always recomputed from its original result and the
decisions in force, never patched in place: ``current = check(original + decisions)``.
"""
from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from extractor.errors import InputError
from extractor.review import queue
from extractor.review.folder import Entry, ResultsFolder
from extractor.review.store import Action, Event, Store, current
from extractor.validate import check
from schemas import Cell, CellSpec, Result, specs
from schemas.result import Number

_NOTES = {"accept": "reviewed: value confirmed", "repair": "reviewed: validator's repair accepted",
          "correct": "reviewed: corrected", "missing": "reviewed: not in the document"}
# Findings the validator owns (H1–H6, S1–S13, N1–N12); earlier stages' findings are kept as read.
_VALIDATOR_RULE = re.compile(r"^[HSN]\d+$")


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    value: Number | None


def apply_decisions(result: Result, decisions: Mapping[str, Decision]) -> Result:
    """The result with the reviewer's decisions: status ``corrected`` (``missing`` for a cell
    marked not in the document), reader ``review``, confidence 1.0; what the readers read
    stays in ``readings``."""
    cells = dict(result.cells)
    for cid, decision in decisions.items():
        cell = cells.get(cid)
        if cell is None:
            continue
        readings = dict(cell.readings or {})
        if cell.reader and cell.reader != "review":
            readings.setdefault(cell.reader, cell.value)
        value = decision.value
        cells[cid] = Cell(value=value, status="missing" if value is None else "corrected", confidence=1.0,
                          span=None if value is None else cell.span, reader="review", raw=cell.raw,
                          note=_NOTES[decision.action], readings=readings or None)
    return result.model_copy(update={"cells": cells})


def unvalidated(result: Result) -> Result:
    """The result as the readers left it, as far as can be told: the validator's findings
    removed, and cells it flagged only for breaking a rule set back to ok (readers that
    disagree keep their flag)."""
    ours = [f for f in result.findings if _VALIDATOR_RULE.match(f.rule)]
    if not ours:
        return result
    ruled = {c for f in ours if f.severity == "error" for c in f.cells}
    cells = {cid: cell.model_copy(update={"status": "ok"})
             if cid in ruled and cell.status == "flagged" and not _readers_disagree(cell) else cell
             for cid, cell in result.cells.items()}
    return result.model_copy(update={"cells": cells,
                                     "findings": [f for f in result.findings if f not in ours]})


def revalidate(original: Result, decisions: Mapping[str, Decision], text: str) -> Result:
    if not decisions:
        return original
    checked = check(apply_decisions(unvalidated(original), decisions), text or None)
    # The validator may flag a cell in a rule that still breaks; the reviewer's word stands.
    return apply_decisions(checked, decisions)


def _decisions(events: list[Event]) -> dict[str, Decision]:
    return {cid: Decision(e.action, e.new) for (_, cid), e in current(events).items()}


def _readers_disagree(cell: Cell) -> bool:
    return len({v for v in (cell.readings or {}).values()}) > 1


def parse_value(text: str, spec: CellSpec) -> Number:
    """A typed correction: integers for counts (negative only for 本年增/减), decimals for 万元."""
    s = text.strip().replace(",", "").replace("，", "").removesuffix("万元").removesuffix("件").strip()
    try:
        value = float(s)
    except ValueError:
        raise InputError(f"{text!r} is not a number (type 'missing' for a value not in the document)") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(f"{text!r} is not a number")
    if value < 0 and not spec.signed:
        raise InputError(f"{spec.row} · {spec.column} cannot be negative")
    if spec.is_money:
        return value
    if not value.is_integer():
        raise InputError(f"{spec.row} · {spec.column} is a count: a whole number")
    return int(value)


def reviewer_name(explicit: str | None = None) -> str:
    """--reviewer, else $NIANBAO_REVIEWER, else $USER, else the login name."""
    name = explicit or os.environ.get("NIANBAO_REVIEWER") or os.environ.get("USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Review:
    """One results folder under review by one reviewer."""

    def __init__(self, folder: ResultsFolder, store: Store, reviewer: str,
                 threshold: float = queue.DEFAULT_THRESHOLD):
        self.folder, self.store, self.reviewer, self.threshold = folder, store, reviewer, threshold
        self._cache: dict[str, tuple[int, Result]] = {}

    @property
    def entries(self) -> list[Entry]:
        return self.folder.entries

    def in_force(self, entry: Entry) -> dict[str, Event]:
        """The decisions in force for a document, by cell id."""
        return {cell: event for (_, cell), event in current(self.store.events(entry.sha)).items()}

    def decisions(self, entry: Entry) -> dict[str, Decision]:
        return _decisions(self.store.events(entry.sha))

    def result(self, entry: Entry) -> Result:
        """The document as reviewed so far, re-validated."""
        events = self.store.events(entry.sha)
        stamp = events[-1].id if events else 0
        cached = self._cache.get(entry.key)
        if cached is None or cached[0] != stamp:
            cached = (stamp, revalidate(entry.result, _decisions(events), entry.text))
            self._cache[entry.key] = cached
        return cached[1]

    def queue(self, entry: Entry) -> list[queue.Item]:
        return queue.build(self.result(entry), self.in_force(entry), self.threshold)

    def decide(self, entry: Entry, cell: str, action: Action, value: Number | str | None = None,
               reason: str | None = None) -> Event:
        """Record one decision, with the reviewer's ``reason`` if given (committed before this returns).
        A correction's ``value`` may be the text a person typed (``"1,234"``, ``"12万元"``)."""
        result = self.result(entry)
        if cell not in result.cells:
            raise InputError(f"{cell!r} is not a cell of {entry.name} (template {result.meta.template})")
        old = result.cells[cell].value
        if action == "accept":
            value = old
        elif action == "repair":
            proposal = queue.proposed_repair(result, cell)
            if proposal is None:
                raise InputError(f"the validator proposes no repair for {cell}")
            value = proposal[0]
        elif action == "missing":
            value = None
        elif action == "correct":
            if value is None:
                raise InputError("a correction needs a value")
            value = parse_value(str(value), specs(result.meta.template)[cell])
        else:
            raise InputError(f"unknown action {action!r}")
        return self.store.record(entry.sha, cell, old, value, action, self.reviewer, reason)

    def undo(self, entry: Entry | None = None) -> tuple[Entry, Event] | None:
        """Cancel this reviewer's latest decision in force (in ``entry``, or anywhere); returns
        what was undone."""
        candidates = [entry] if entry else self.entries
        latest: tuple[Entry, Event] | None = None
        for e in candidates:
            for event in self.in_force(e).values():
                if event.reviewer == self.reviewer and (latest is None or event.id > latest[1].id):
                    latest = (e, event)
        if latest is None:
            return None
        e, event = latest
        self.store.record(e.sha, event.cell, event.new, event.old, "undo", self.reviewer)
        return latest
