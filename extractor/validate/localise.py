"""Which cell is wrong: the smallest change to the cells that makes every hard rule hold.

The checkable equations form a small linear system. A single wrong cell shifts the residual
of exactly the equations it sits in, by the same amount. So for each connected group of
broken equations (groups share no cell, so each needs its own change) a cell explains the
group when it sits in every broken equation of the group, in no holding one, and one value
for it zeroes all their residuals. That value must also be a valid count (an integer ≥ 0):
in 表四 「10 1 0 0 | 总计 0」 only the total can be changed to a valid value (11).
When several cells qualify, the readers' evidence may single one out, or the report's own
habit (another total provably left at 0); otherwise no repair is proposed and the
candidates are named.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from extractor.validate.equations import Equation

EPS = 1e-9


@dataclass(slots=True)
class Diagnosis:
    """The verdict for one group of broken equations."""

    equations: list[Equation]
    fixes: list[tuple[str, float]] = field(default_factory=list)  # every single-cell change that repairs the group
    repair: tuple[str, float] | None = None  # the one proposed, if it can be told
    basis: str = ""  # why ``repair`` was chosen: "unique", "evidence" or "total_left_zero"


def localise(broken: dict[Equation, float], holding: list[Equation], values: dict[str, float],
             valid: Callable[[str, float], bool], suspect: Callable[[str], bool]) -> list[Diagnosis]:
    """``broken`` maps each broken equation to its residual; ``values`` holds the known cells."""
    out = []
    for group in _groups(list(broken)):
        diagnosis = Diagnosis(group)
        in_holding = {c for eq in holding for c in eq.cells}
        common = set(group[0].cells).intersection(*(eq.cells for eq in group[1:]))
        for cell in sorted(common - in_holding, key=group[0].cells.index):
            deltas = {-broken[eq] / eq.coef(cell) for eq in group}
            if max(deltas) - min(deltas) > EPS:
                continue
            value = values[cell] + deltas.pop()
            if valid(cell, value):
                diagnosis.fixes.append((cell, _tidy(value)))
        diagnosis.repair, diagnosis.basis = _choose(diagnosis.fixes, suspect)
        out.append(diagnosis)
    # 「5 0 0 0 | 总计 0」 fits the total (→ 5) as well as the part (→ 0). When the same report
    # has another total provably left at 0 beside filled parts (hongze-2023 表四), the
    # report's own habit decides: its totals were not filled in.
    if any(d.repair and _left_zero(d.repair, values) for d in out):
        for d in out:
            if d.repair is None:
                totals = [fix for fix in d.fixes if _left_zero(fix, values)]
                if len(totals) == 1 and all(fix[1] == 0 for fix in d.fixes if fix != totals[0]):
                    d.repair, d.basis = totals[0], "total_left_zero"
    return out


def _choose(fixes: list[tuple[str, float]], suspect: Callable[[str], bool]) -> tuple[tuple[str, float] | None, str]:
    if len(fixes) == 1:
        return fixes[0], "unique"
    suspects = [fix for fix in fixes if suspect(fix[0])]
    if len(suspects) == 1:
        return suspects[0], "evidence"
    return None, ""


def _left_zero(fix: tuple[str, float], values: dict[str, float]) -> bool:
    return fix[0].endswith(".total") and values[fix[0]] == 0 and fix[1] > 0


def _groups(eqs: list[Equation]) -> list[list[Equation]]:
    """Connected components: two broken equations belong together when they share a cell."""
    groups: list[list[Equation]] = []
    for eq in eqs:
        touching = [g for g in groups if any(set(eq.cells) & set(other.cells) for other in g)]
        merged = [eq]
        for g in touching:
            merged = g + merged
            groups.remove(g)
        groups.append(merged)
    return groups


def _tidy(value: float) -> float:
    rounded = round(value)
    return rounded if abs(value - rounded) < EPS else value
