"""Where a 表三 row's lost value was: decided by the table's column sums, when they can tell.

A row printed with six values for seven columns (a blank 总计 cell whose tab was stripped, a
value lost in conversion) cannot be placed from the row alone. But the table's columns must add
up (format.md H1: 新收 + 结转 = （七）总计 + 结转下年度; H2: the outcome rows sum to （七）总计).
Each possible place of the lost cell is tried; if exactly one agrees with every column sum that
the other, complete rows make checkable, the row is placed there — the lost cell itself stays
blank. A row of equal values is left alone: every place reads the same.
"""
from __future__ import annotations

from extractor.readers.rules.cells import RowRead
from extractor.readers.rules.tokens import NUM, Tok

_WIDTH = 7
_BALANCE = ("p3.new_received", "p3.carried_over", "p3.outcome_total", "p3.carried_forward")


def place_short_rows(rows: list[RowRead]) -> None:
    """Set ``placed`` on each short 表三 row whose lost cell the column sums pin down."""
    short = [r for r in rows if r.match is not None and len(r.match.run.slots) == _WIDTH - 1]
    if not short:
        return  # the common case: no row lost a value
    known = {r.key: _values(r) for r in rows}
    outcomes = [key for key in known if key not in _BALANCE]
    for row in short:
        key, slots = row.key, row.match.run.slots  # type: ignore[union-attr]  # short rows are matched rows
        if any(t.kind != NUM for t in slots) or len({t.value for t in slots}) == 1:
            continue
        fits = []
        for lost in range(_WIDTH):
            values = [t.value for t in slots]
            values.insert(lost, None)
            if lost != _WIDTH - 1 and sum(values[:lost] + values[lost + 1:-1]) > values[-1]:  # type: ignore[operator,arg-type]  # NUM slots have values
                continue  # the row's own total would need a negative lost value
            trial = {**known, key: values}
            if _columns_hold(trial, outcomes, skip=lost):
                fits.append(lost)
        if len(fits) == 1:
            placed: list[Tok | None] = list(slots)
            placed.insert(fits[0], None)
            row.placed = placed


def _values(row: RowRead) -> list[int | float | None] | None:
    if row.match is None or len(row.match.run.slots) != _WIDTH:
        return None
    return [t.value if t.kind == NUM else None for t in row.match.run.slots]


def _columns_hold(values: dict[str, list | None], outcomes: list[str], skip: int) -> bool:
    """Every column sum that can be checked holds, and at least one could be checked."""
    checked = False
    for col in range(_WIDTH):
        if col == skip:
            continue
        total = _cell(values, "p3.outcome_total", col)
        parts = [_cell(values, key, col) for key in outcomes]
        if total is not None and None not in parts:
            checked = True
            if abs(sum(parts) - total) > 1e-6:  # type: ignore[arg-type]  # None not in parts
                return False
        balance = [_cell(values, key, col) for key in _BALANCE]
        if None not in balance:
            checked = True
            if abs(balance[0] + balance[1] - balance[2] - balance[3]) > 1e-6:  # type: ignore[operator]  # None not in balance
                return False
    return checked


def _cell(values: dict[str, list | None], key: str, col: int) -> int | float | None:
    row = values.get(key)
    return None if row is None else row[col]
