"""The hard identities of 表三 and 表四 (format.md §4.1, H1–H4) as data: ``lhs = rhs`` sums.

One table of identities, used to settle disagreements between readers; the validator can
build its H1–H4 checks on the same table.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from schemas import cell_ids
from schemas.llm import P3_COLUMNS

Values = dict[str, int | float | None]


@dataclass(frozen=True, slots=True)
class Identity:
    rule: str  # H1 … H4
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    def holds(self, values: Values) -> bool | None:
        """True/False, or None when a cell has no value."""
        if any(values.get(c) is None for c in self.cells):
            return None
        return abs(sum(values[c] for c in self.lhs) - sum(values[c] for c in self.rhs)) < 1e-6


@cache
def identities(template: str) -> tuple[Identity, ...]:
    ids = cell_ids(template)
    rows = [cid[: -len(".total")] for cid in ids if cid.startswith("p3.") and cid.endswith(".total")]
    outcome_rows = [r for r in rows if r not in ("p3.new_received", "p3.carried_over", "p3.outcome_total",
                                                 "p3.carried_forward")]
    out = []
    for c in P3_COLUMNS:
        out.append(Identity("H1", (f"p3.new_received.{c}", f"p3.carried_over.{c}"),
                            (f"p3.outcome_total.{c}", f"p3.carried_forward.{c}")))
        out.append(Identity("H2", (f"p3.outcome_total.{c}",), tuple(f"{r}.{c}" for r in outcome_rows)))
    for r in rows:
        out.append(Identity("H3", (f"{r}.total",), tuple(f"{r}.{c}" for c in P3_COLUMNS[:-1])))
    for block in ("review", "suit_direct", "suit_after_review"):
        out.append(Identity("H4", (f"p4.{block}.total",),
                            tuple(f"p4.{block}.{leaf}" for leaf in ("upheld", "corrected", "other", "pending"))))
    return tuple(out)


def broken(values: Values, template: str, cells: set[str] | None = None) -> list[Identity]:
    """Identities that do not hold (optionally only those touching ``cells``)."""
    return [i for i in identities(template)
            if (cells is None or cells.intersection(i.cells)) and i.holds(values) is False]


def settle(cell: str, candidates: list[int | float], values: Values, template: str,
           unsure: set[str]) -> int | float | None:
    """The one candidate for ``cell`` that makes every checkable identity hold, if exactly one does.

    Identities with another cell in ``unsure`` (also disputed) are not used.
    """
    usable = [i for i in identities(template)
              if cell in i.cells and not (unsure - {cell}).intersection(i.cells)]
    winners = []
    for candidate in candidates:
        trial = {**values, cell: candidate}
        results = [i.holds(trial) for i in usable]
        checked = [r for r in results if r is not None]
        if checked and all(checked):
            winners.append(candidate)
    return winners[0] if len(winners) == 1 else None
