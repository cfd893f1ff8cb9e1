"""Random gold cell sets that satisfy the hard rules, and an independent oracle for H1–H4.

The oracle is deliberately separate from ``extractor.validate``: the generator's truth is
what the validator is tested against, so the two must not share code.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from schemas import cell_ids, specs

C6 = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org")
COLUMNS = (*C6, "total")
NEW, IN, SUM, OUT = "p3.new_received", "p3.carried_over", "p3.outcome_total", "p3.carried_forward"
P4_BLOCKS = ("p4.review", "p4.suit_direct", "p4.suit_after_review")
P4_LEAVES = ("upheld", "corrected", "other", "pending")

# How often each scale of report occurs: most are townships with nothing to report.
PROFILES = (("zero", 0.3), ("small", 0.5), ("large", 0.2))
# Applicants are mostly natural persons; research bodies and NGOs rarely apply.
_COLUMN_WEIGHT = {"natural_person": 1.0, "commercial": 0.25, "research": 0.03, "nonprofit": 0.03,
                  "legal_services": 0.15, "other_org": 0.08}

Value = int | float | None


def row_of(cell_id: str) -> str:
    """The table row a cell belongs to: ``p3.withheld.state_secret`` for its seven cells, ``p4`` for 表四."""
    return "p4" if cell_id.startswith("p4.") else cell_id.rsplit(".", 1)[0]


@cache
def rows(template: str, part: str) -> tuple[str, ...]:
    """The table rows of one part (p2, p3, p4) in table order."""
    out: dict[str, None] = {}
    for cid in cell_ids(template):
        if cid.startswith(part + "."):
            out.setdefault(row_of(cid), None)
    return tuple(out)


@cache
def outcome_rows(template: str) -> tuple[str, ...]:
    """The 表三 data rows under 三、本年度办理结果 that add up to （七）总计 (H2)."""
    return tuple(r for r in rows(template, "p3") if r not in (NEW, IN, SUM, OUT))


@dataclass(frozen=True, slots=True)
class Break:
    rule: str  # H1 … H4
    cells: tuple[str, ...]
    left: int | float
    right: int | float


def hard_breaks(cells: dict[str, Value], template: str) -> list[Break]:
    """Every instance of H1–H4 that can be evaluated (no null cell) and does not hold."""
    out: list[Break] = []

    def check(rule: str, left: list[str], right: list[str]) -> None:
        vals = [cells.get(c) for c in (*left, *right)]
        if any(v is None for v in vals):
            return
        lsum, rsum = sum(vals[:len(left)]), sum(vals[len(left):])  # type: ignore[arg-type]  # any None returned above
        if lsum != rsum:
            out.append(Break(rule, (*left, *right), lsum, rsum))

    outcomes = outcome_rows(template)
    for col in COLUMNS:
        check("H1", [f"{NEW}.{col}", f"{IN}.{col}"], [f"{SUM}.{col}", f"{OUT}.{col}"])
        check("H2", [f"{SUM}.{col}"], [f"{r}.{col}" for r in outcomes])
    for row in rows(template, "p3"):
        check("H3", [f"{row}.total"], [f"{row}.{c}" for c in C6])
    for block in P4_BLOCKS:
        check("H4", [f"{block}.total"], [f"{block}.{leaf}" for leaf in P4_LEAVES])
    return out


def random_cells(template: str, rng: random.Random) -> tuple[dict[str, int | float], str]:
    """A complete, arithmetically consistent cell set for ``template``, and its profile name."""
    profile = rng.choices([p for p, _ in PROFILES], weights=[w for _, w in PROFILES])[0]
    cells: dict[str, int | float] = {}
    cells.update(_part2(template, profile, rng))
    cells.update(_part3(template, profile, rng))
    cells.update(_part4(profile, rng))
    assert set(cells) == set(cell_ids(template))
    return {cid: cells[cid] for cid in cell_ids(template)}, profile


def _sparse(rng: random.Random, mean: float, p_zero: float) -> int:
    if mean <= 0 or rng.random() < p_zero:
        return 0
    return max(1, int(rng.expovariate(1 / mean)))


def _scale(profile: str) -> tuple[float, float]:
    """(mean of a non-zero cell, probability of a zero) for a profile."""
    return {"zero": (0.0, 1.0), "small": (3.0, 0.75), "large": (150.0, 0.45)}[profile]


def _part3(template: str, profile: str, rng: random.Random) -> dict[str, int]:
    mean, p_zero = _scale(profile)
    cells: dict[str, int] = {}
    for row in outcome_rows(template):
        row_weight = rng.paretovariate(1.5) / 2  # a few outcome rows carry most applications
        for col in C6:
            w = row_weight * _COLUMN_WEIGHT[col]
            cells[f"{row}.{col}"] = _sparse(rng, mean * w, min(0.97, p_zero + (1 - w) * 0.2))
    for col in C6:
        total = sum(cells[f"{r}.{col}"] for r in outcome_rows(template))
        cells[f"{SUM}.{col}"] = total
        cells[f"{OUT}.{col}"] = _sparse(rng, mean * 0.3 * _COLUMN_WEIGHT[col], p_zero + 0.1)
        carried = _sparse(rng, mean * 0.3 * _COLUMN_WEIGHT[col], p_zero + 0.1)
        cells[f"{IN}.{col}"] = min(carried, total + cells[f"{OUT}.{col}"])
        cells[f"{NEW}.{col}"] = total + cells[f"{OUT}.{col}"] - cells[f"{IN}.{col}"]
    for row in rows(template, "p3"):
        cells[f"{row}.total"] = sum(cells[f"{row}.{c}"] for c in C6)
    return cells


def _part4(profile: str, rng: random.Random) -> dict[str, int]:
    mean, p_zero = {"zero": (0.0, 1.0), "small": (2.0, 0.85), "large": (30.0, 0.35)}[profile]
    cells: dict[str, int] = {}
    for block in P4_BLOCKS:
        for leaf in P4_LEAVES:
            cells[f"{block}.{leaf}"] = _sparse(rng, mean, p_zero)
        cells[f"{block}.total"] = sum(cells[f"{block}.{leaf}"] for leaf in P4_LEAVES)
    return cells


def money(rng: random.Random, max_yuan: int) -> float:
    """An amount in 万元 with at most four decimals, exact in decimal (元 ÷ 10000)."""
    yuan = rng.randint(1, max_yuan)
    if rng.random() < 0.5:
        yuan -= yuan % 1000  # most reports round to 0.1 万元
    return float(Decimal(yuan) / Decimal(10000))


def _part2(template: str, profile: str, rng: random.Random) -> dict[str, int | float]:
    mean, p_zero = _scale(profile)
    big = profile == "large"
    cells: dict[str, int | float] = {}
    for cid, spec in specs(template).items():
        if spec.part != "二":
            continue
        if spec.is_money:
            cells[cid] = 0.0
        elif spec.signed:
            cells[cid] = 0  # set with its row below
        elif cid.endswith("decisions") and big:
            cells[cid] = _sparse(rng, 20000, 0.2)  # penalty decisions run to millions in a city
        else:
            cells[cid] = _sparse(rng, mean, p_zero)
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        last = f"p2.{row}.items_last_year"
        if last in cells:
            cells[f"p2.{row}.items_change"] = rng.randint(-cells[last], 3) if rng.random() < 0.3 else 0  # type: ignore[arg-type]  # generated counts are int
    if template == "2019":
        for row in ("regulations", "normative_documents"):
            made = cells[f"p2.{row}.made"]
            cells[f"p2.{row}.published"] = min(made, cells[f"p2.{row}.published"])
            cells[f"p2.{row}.total_published"] = cells[f"p2.{row}.published"] + cells[f"p2.{row}.total_published"]
        if cells["p2.procurement.projects"]:
            cells["p2.procurement.amount"] = money(rng, 5_000_000 * (50 if big else 1))
    else:
        in_force = cells["p2.normative_documents.in_force"]
        cells["p2.normative_documents.in_force"] = in_force + cells["p2.normative_documents.issued"]
        if rng.random() < (0.8 if big else 0.2):
            cells["p2.fees.amount"] = money(rng, 1_000_000_000 if big else 500_000)
    return cells


@dataclass(frozen=True, slots=True)
class Injection:
    cell: str
    old: int
    new: int
    rules: tuple[str, ...]  # the hard rules the change breaks, e.g. ("H2", "H3")

    def as_dict(self) -> dict:
        return {"cell": self.cell, "old": self.old, "new": self.new, "rules": list(self.rules)}


def inject(cells: dict[str, Value], template: str, rng: random.Random, frozen: set[str]) -> Injection | None:
    """Change one visible 表三/表四 cell so that at least one checkable hard rule breaks."""
    candidates = [c for c in cells if c.startswith(("p3.", "p4.")) and cells[c] is not None and c not in frozen]
    rng.shuffle(candidates)
    for cid in candidates:
        old = int(cells[cid])  # type: ignore[arg-type]  # candidates hold no None
        step = rng.randint(1, 9 if old < 100 else max(9, old // 10))
        new = old - step if old >= step and rng.random() < 0.5 else old + step
        rules = tuple(sorted({b.rule for b in hard_breaks({**cells, cid: new}, template)}))
        if rules:
            return Injection(cid, old, new, rules)
    return None
