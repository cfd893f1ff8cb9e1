"""The hard table identities (format.md §4.1 H1–H4) as linear equations over cell ids.

Every equation reads ``sum(left) = sum(right)``. The residual ``sum(left) − sum(right)`` is
zero when the rule holds; a cell on the left has coefficient +1, on the right −1. This is
what the localisation works on: a single wrong cell shifts the residual of exactly the
equations it sits in.

With missing cells an equation is not checkable, but it still bounds the known cells: the
missing ones are counts (≥ 0), so when they all sit on one side, the known residual must
have the sign they can make up. 「Σ known outcome rows > （七）总计」 is broken whatever the
missing rows hold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, reduce
from operator import itemgetter, sub
from typing import NamedTuple

from schemas import cell_ids, specs

COLUMNS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")
APPLICANTS = COLUMNS[:-1]
_FLOW = {"new_received": "本年新收", "carried_over": "上年结转", "outcome_total": "办理结果总计",
         "carried_forward": "结转下年度"}
P4_BLOCKS = ("review", "suit_direct", "suit_after_review")
P4_LEAVES = ("upheld", "corrected", "other", "pending")


@dataclass(frozen=True, slots=True)
class Equation:
    rule: str  # H1 … H4
    check: str  # stable slug
    table: str  # 表三 / 表四
    where: str  # 「自然人 列」, 「（一）予以公开 行」, 「行政复议」
    left: tuple[str, ...]
    right: tuple[str, ...]
    cells: tuple[str, ...] = field(init=False)  # left + right
    on_left: frozenset[str] = field(init=False, repr=False, compare=False)  # left, for membership
    take: itemgetter = field(init=False, repr=False, compare=False)  # {cell: value} → the values of ``cells``, in one call

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", self.left + self.right)
        object.__setattr__(self, "on_left", frozenset(self.left))
        object.__setattr__(self, "take", itemgetter(*self.cells))  # a tuple: every equation has a cell on each side

    def coef(self, cell: str) -> int:
        return 1 if cell in self.on_left else -1 if cell in self.right else 0


EPS = 1e-9


class State(NamedTuple):
    """An equation evaluated on the known cells."""

    eq: Equation
    known: float  # Σ coef·value over the known cells
    blocked: tuple[str, ...]  # the missing cells

    @property
    def checkable(self) -> bool:
        return not self.blocked

    @property
    def broken(self) -> bool:
        return self.checkable and abs(self.known) > EPS

    @property
    def holds(self) -> bool:
        return self.checkable and abs(self.known) <= EPS

    @property
    def impossible(self) -> bool:
        """Missing cells, yet no non-negative values for them can make the equation hold."""
        return not self.checkable and _impossible(self.eq, self.known, self.blocked)

    def after(self, cell: str, delta: float) -> State:
        return State(self.eq, self.known + self.eq.coef(cell) * delta, self.blocked)


def _impossible(eq: Equation, known: float, blocked: tuple[str, ...]) -> bool:
    """The missing cells (some of the equation's, at least one) add Σ coef·x with every x ≥ 0:
    all on the left cannot make up a positive residual, all on the right a negative one."""
    if known > EPS:
        return all(c in eq.on_left for c in blocked)
    if known < -EPS:
        return not any(c in eq.on_left for c in blocked)
    return False


class Evaluation(NamedTuple):
    """Every equation of a template evaluated on the known cells, sorted by what each is."""

    states: list[State]  # all of them, in table order
    holding: list[State]  # checkable and holding
    problems: list[State]  # broken, or impossible whatever the missing cells hold
    unchecked: list[State]  # with missing cells that may still make it hold


def evaluate(template: str, values: dict[str, float | None]) -> Evaluation:
    """The equations on ``values`` (a cell it lacks, or holds None for, is missing)."""
    states: list[State] = []
    holding: list[State] = []
    problems: list[State] = []
    unchecked: list[State] = []
    for eq in equations(template):
        try:
            vals = eq.take(values)
        except KeyError:  # a cell the result does not have at all
            vals = tuple(map(values.get, eq.cells))
        if None in vals:
            st = _partial(eq, vals)
            (problems if _impossible(eq, st.known, st.blocked) else unchecked).append(st)
        else:
            split = len(eq.left)  # right subtracted one by one: the same sum, to the last bit, as Σ coef·value
            st = State(eq, reduce(sub, vals[split:], sum(vals[:split])), ())
            residual = abs(st.known)
            if residual <= EPS:
                holding.append(st)
            elif residual > EPS:  # not a nan (from an overflowing sum): that neither holds nor breaks
                problems.append(st)
        states.append(st)
    return Evaluation(states, holding, problems, unchecked)


def _partial(eq: Equation, vals: tuple[float | None, ...]) -> State:
    """The equation with some cells missing: the known ones summed, the missing ones named."""
    split = len(eq.left)
    known = sum([v for v in vals[:split] if v is not None])
    for v in vals[split:]:
        if v is not None:
            known -= v
    return State(eq, known, tuple(c for c, v in zip(eq.cells, vals) if v is None))


@cache
def p3_rows(template: str) -> tuple[str, ...]:
    """Row keys of 表三 in table order: ``new_received``, …, ``withheld.state_secret``, …"""
    rows = dict.fromkeys(cid[3:].rsplit(".", 1)[0] for cid in cell_ids(template) if cid.startswith("p3."))
    return tuple(rows)


@cache
def outcome_rows(template: str) -> tuple[str, ...]:
    return tuple(r for r in p3_rows(template) if r not in _FLOW)


@cache
def equations(template: str) -> tuple[Equation, ...]:
    eqs = []
    for col in COLUMNS:
        where = f"{column_label(col)} 列"
        eqs.append(Equation("H1", "p3.balance", "表三", where,
                            (f"p3.new_received.{col}", f"p3.carried_over.{col}"),
                            (f"p3.outcome_total.{col}", f"p3.carried_forward.{col}")))
        eqs.append(Equation("H2", "p3.outcomes", "表三", where,
                            tuple(f"p3.{r}.{col}" for r in outcome_rows(template)), (f"p3.outcome_total.{col}",)))
    for row in p3_rows(template):
        eqs.append(Equation("H3", "p3.row_total", "表三", f"「{row_label(row)}」行",
                            tuple(f"p3.{row}.{c}" for c in APPLICANTS), (f"p3.{row}.total",)))
    for block in P4_BLOCKS:
        eqs.append(Equation("H4", "p4.block_total", "表四", block_label(block),
                            tuple(f"p4.{block}.{leaf}" for leaf in P4_LEAVES), (f"p4.{block}.total",)))
    return tuple(eqs)


def column_label(col: str) -> str:
    label = specs("2019")[f"p3.new_received.{col}"].column
    return "法人或其他组织·其他" if col == "other_org" else label


def row_label(row: str) -> str:
    if row in _FLOW:
        return _FLOW[row]
    label = specs(None)[f"p3.{row}.total"].row.replace("三、本年度办理结果", "")
    return re.split(r"（区分|、", label)[0]


def block_label(block: str) -> str:
    return specs(None)[f"p4.{block}.total"].row.replace(" ", "·")


def cell_label(cell: str) -> str:
    """A short Chinese name for a cell id: 「表三 （一）予以公开 · 自然人」, 「表四 行政复议 · 总计」."""
    spec = specs(None).get(cell)
    if spec is None:
        return cell
    if cell.startswith("p3."):
        row, col = cell[3:].rsplit(".", 1)
        return f"表三 {row_label(row)}·{column_label(col)}"
    if cell.startswith("p4."):
        return f"表四 {block_label(cell.split('.')[1])}·{spec.column}"
    return f"表二 {spec.table} {spec.row}·{spec.column}"
