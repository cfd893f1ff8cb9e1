"""Settling disagreements between readers with the hard identities of 表三 and 表四 (H1–H4).

The identities are the validator's equation table (:mod:`extractor.validate.equations`);
reconciliation only asks which candidate value makes them hold.
"""
from __future__ import annotations

from extractor.validate.equations import Equation, equations

Values = dict[str, int | float | None]


def holds(eq: Equation, values: Values) -> bool | None:
    """True/False, or None when a cell has no value."""
    if any(values.get(c) is None for c in eq.cells):
        return None
    return abs(sum(values[c] for c in eq.left) - sum(values[c] for c in eq.right)) < 1e-6  # type: ignore[misc]  # called only when every cell is known


def broken(values: Values, template: str, cells: set[str] | None = None) -> list[Equation]:
    """Identities that do not hold (optionally only those touching ``cells``)."""
    return [i for i in equations(template)
            if (cells is None or cells.intersection(i.cells)) and holds(i, values) is False]


def settle(cell: str, candidates: list[int | float], values: Values, template: str,
           unsure: set[str]) -> int | float | None:
    """The one candidate for ``cell`` that makes every checkable identity hold, if exactly one does.

    Identities with another cell in ``unsure`` (also disputed) are not used.
    """
    usable = [i for i in equations(template)
              if cell in i.cells and not (unsure - {cell}).intersection(i.cells)]
    winners = [c for c in candidates if _verdict(usable, {**values, cell: c})]
    return winners[0] if len(winners) == 1 else None


def confirms(cell: str, values: Values, template: str) -> bool | None:
    """Whether ``values`` (with ``cell``'s value in them) make every identity through ``cell``
    hold: True when at least one can be checked and all checked hold, False when one breaks,
    None when none can be checked (a cell missing in each)."""
    return _verdict([i for i in equations(template) if cell in i.cells], values)


def _verdict(identities: list[Equation], values: Values) -> bool | None:
    """True when at least one of ``identities`` can be checked and all checked hold, False when
    one breaks, None when none can be checked."""
    checked = [r for i in identities if (r := holds(i, values)) is not None]
    return all(checked) if checked else None
