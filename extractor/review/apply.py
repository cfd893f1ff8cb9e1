"""Review decisions carried into a results folder's outputs (cells tables, Excel, summary).

``results/<key>.json`` always keeps what the readers read; the decisions live in
``review.sqlite``. The outputs are derived from both each time they are written
(``nianbao export DIR``, and the end of every ``nianbao batch``), so a re-run of the batch
never overwrites a reviewed cell and a kill mid-write leaves the previous outputs whole.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractor.resultsdir import key_of
from extractor.review.session import Decision, revalidate
from extractor.review.store import Event, Store, current
from schemas import Result

STORE_NAME = "review.sqlite"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a reviewed cell's value came from: the decision, and what the readers read."""

    action: str  # accept | repair | correct | missing
    reviewer: str
    at: str  # UTC, ISO 8601
    reason: str | None
    original_value: float | int | None
    original_span: tuple[int, int] | None


def decisions_by_key(root: Path) -> tuple[dict[str, dict[str, Event]], int]:
    """``({result key: {cell id: decision in force}}, id of the last event)`` from
    ``root/review.sqlite``; nothing when there is no store."""
    path = root / STORE_NAME
    if not path.exists():
        return {}, 0
    with Store(path) as store:
        events = store.events()
    out: dict[str, dict[str, Event]] = {}
    for (sha, cell), event in current(events).items():
        out.setdefault(key_of(sha), {})[cell] = event
    return out, (events[-1].id if events else 0)


def apply_review(result: Result, events: dict[str, Event], text: str) -> tuple[Result, dict[str, Provenance]]:
    """The result with the decisions in force applied and re-validated, and each reviewed
    cell's provenance (the original value and span are the readers', from ``result``)."""
    decisions = {cid: Decision(e.action, e.new) for cid, e in events.items() if cid in result.cells}
    reviewed = revalidate(result, decisions, text)
    provenance = {}
    for cid in decisions:
        e, original = events[cid], result.cells[cid]
        provenance[cid] = Provenance(e.action, e.reviewer, e.at, e.reason, original.value, original.span)
    return reviewed, provenance
