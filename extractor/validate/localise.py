"""Which cell is wrong: the smallest change to the cells that makes every hard rule hold.

The equations form a small linear system. A single wrong cell shifts the residual of
exactly the equations it sits in, by the same amount. The problems (broken equations, and
equations with missing cells that the known cells already make impossible) fall into
groups that share no cell, so each group needs its own change. A cell explains a group
when it sits in every problem of the group and one value for it zeroes the residuals of
the broken ones while every other equation it sits in still holds (or, with missing cells,
can still hold). That value must be a valid count (an integer ≥ 0): in 表四
「10 1 0 0 | 总计 0」 only the total can be changed to a valid value (11).

When several cells qualify, one may be singled out by the readers' evidence, by the value
the narrative states for it, or by the report's own habit (another total provably left at
0); otherwise no repair is proposed and the candidates are named.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from extractor.validate.equations import EPS, State


@dataclass(slots=True)
class Diagnosis:
    """The verdict for one group of problems."""

    problems: list[State]
    fixes: list[tuple[str, float]] = field(default_factory=list)  # every single-cell change that repairs the group
    repair: tuple[str, float] | None = None  # the one proposed, if it can be told
    basis: str = ""  # why ``repair`` was chosen: "unique", "evidence", "narrative" or "total_left_zero"


def localise(problems: list[State], states: list[State], values: dict[str, float | None],
             valid: Callable[[str, float], bool], suspect: Callable[[str], bool],
             stated: dict[str, float] | None = None) -> list[Diagnosis]:
    """``problems``: the broken and impossible ones among ``states`` (every equation);
    ``values`` holds the cells (only known ones are read); ``stated`` the values the
    narrative gives for single cells (「行政复议 351 件」)."""
    if not problems:
        return []
    touching: dict[str, list[State]] | None = None  # the states each known cell sits in, when a fix is sought
    out = []
    for group in _groups(problems):
        diagnosis = Diagnosis(group)
        broken = [st for st in group if st.broken]
        if broken:  # a group of bounds alone does not say by how much
            touching = _touching(states) if touching is None else touching
            diagnosis.fixes = _fixes(group, broken, touching, values, valid)
        diagnosis.repair, diagnosis.basis = _choose(diagnosis.fixes, suspect, stated or {})
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


def _touching(states: list[State]) -> dict[str, list[State]]:
    touching: dict[str, list[State]] = defaultdict(list)
    for st in states:
        for cell in st.eq.cells:
            if cell not in st.blocked:
                touching[cell].append(st)
    return touching


def _fixes(group: list[State], broken: list[State], touching: dict[str, list[State]],
           values: dict[str, float | None], valid: Callable[[str, float], bool]) -> list[tuple[str, float]]:
    known = [c for c in group[0].eq.cells if c not in group[0].blocked]
    common = [c for c in known if all(c in st.eq.cells and c not in st.blocked for st in group)]
    fixes = []
    for cell in common:
        deltas = [-st.known / st.eq.coef(cell) for st in broken]
        if max(deltas) - min(deltas) > EPS:
            continue
        delta = deltas[0]
        value = values[cell] + delta  # type: ignore[operator]  # a common cell is known
        if valid(cell, value) and all(_fine(st.after(cell, delta)) for st in touching[cell]):
            fixes.append((cell, _tidy(value)))
    return fixes


def _fine(st: State) -> bool:
    return st.holds or not (st.checkable or st.impossible)


def _choose(fixes: list[tuple[str, float]], suspect: Callable[[str], bool],
            stated: dict[str, float]) -> tuple[tuple[str, float] | None, str]:
    if len(fixes) == 1:
        return fixes[0], "unique"
    suspects = [fix for fix in fixes if suspect(fix[0])]
    if len(suspects) == 1:
        return suspects[0], "evidence"
    told = [fix for fix in fixes if fix[0] in stated and abs(stated[fix[0]] - fix[1]) < EPS]
    if len(told) == 1:
        return told[0], "narrative"
    return None, ""


def _left_zero(fix: tuple[str, float], values: dict[str, float | None]) -> bool:
    return fix[0].endswith(".total") and values[fix[0]] == 0 and fix[1] > 0


def _groups(problems: list[State]) -> list[list[State]]:
    """Connected components: two problems belong together when they share a known cell."""
    groups: list[list[State]] = []
    for st in problems:
        cells = set(st.eq.cells) - set(st.blocked)
        touching = [g for g in groups if any(cells & (set(o.eq.cells) - set(o.blocked)) for o in g)]
        merged = [st]
        for g in touching:
            merged = g + merged
            groups.remove(g)
        groups.append(merged)
    return groups


def _tidy(value: float) -> float:
    rounded = round(value)
    return rounded if abs(value - rounded) < EPS else value
