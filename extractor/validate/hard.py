"""Hard rules H1–H5 (format.md §4.1): broken, holding, or not checkable — with the culprit.

A rule with missing cells is not checkable (an info finding naming them), unless the known
cells already break it whatever the missing counts are: that is as certain as a broken rule
and reported as an error (S1 when it is H1 with only 结转下年度 missing: format.md's S1 is
exactly that bound). H6 (row shapes) is the table reader's to report: only it sees how many
values a row had.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from itertools import chain, compress, filterfalse, repeat
from operator import attrgetter, is_
from typing import NamedTuple, cast

from extractor.validate.equations import EPS, Equation, Evaluation, State, cell_label, row_label
from extractor.validate.equations import evaluate as evaluate_values
from extractor.validate.evidence import fmt, suspicion
from extractor.validate.localise import Diagnosis, localise
from schemas import Finding, Repair, Result, specs
from schemas.result import Cause

Values = dict[str, float | None]


def template_of(result: Result) -> str | None:
    if result.meta.template:
        return result.meta.template
    if "p3.other.total" in result.cells:
        return "2019"
    if "p3.other.other.total" in result.cells:
        return "2021"
    return None


class Sheet(NamedTuple):
    """The result's cell values, read from its cells once: what every rule works on."""

    values: Values  # for the arithmetic: missing cells and non-numbers (inf, nan: H5) are None
    odd: list[str]  # the cells holding a value that is not a count (an int ≥ 0), in cell order: all H5 looks at


def read(result: Result) -> Sheet:
    """The values of ``result``'s cells, taken column-wise: no Python step per cell, as a
    document has ~200 cells and nearly all are counts or missing."""
    cells = result.cells
    values = dict(zip(cells, map(_VALUE, cells.values())))
    values.update(dict.fromkeys(compress(cells, map(_MISSING, map(_STATUS, cells.values())))))  # whatever they hold
    odd = _not_counts(values)
    for cid in odd:
        if not math.isfinite(values[cid]):  # an odd value is a number
            values[cid] = None
    return Sheet(values, odd)


def _not_counts(values: Values) -> list[str]:
    """The ids whose value is neither None nor a count (an int ≥ 0), in order, sorted out by
    the values' types and the least of the ints rather than cell by cell."""
    vals = values.values()
    types = list(map(type, vals))
    ints = cast("Iterator[int]", compress(vals, map(is_, types, repeat(int))))
    if min(ints, default=0) < 0:  # a negative count: rare
        return [cid for cid, v in values.items() if v is not None and not (type(v) is int and v >= 0)]
    odd_types = set(types) - _COUNT_TYPES  # floats (amounts, misread counts), and anything else
    return list(compress(values, map(odd_types.__contains__, types))) if odd_types else []


_VALUE, _STATUS = attrgetter("value"), attrgetter("status")
_MISSING = "missing".__eq__
_COUNT_TYPES = frozenset({int, type(None)})


def values_of(result: Result) -> Values:
    """Cell values for the arithmetic; missing cells and non-numbers (inf, nan: H5) are None."""
    return read(result).values


def evaluate(result: Result, values: Values | None = None) -> Evaluation:
    """H1–H4 on the result's cells (``values``: :func:`values_of` the result, when known)."""
    template = template_of(result)
    return evaluate_values(template, values_of(result) if values is None else values) if template else _NONE


_NONE = Evaluation([], [], [], [])


def hard_findings(result: Result, stated: dict[str, float] | None = None, sheet: Sheet | None = None,
                  evaluation: Evaluation | None = None) -> list[Finding]:
    """H1–H5 findings; ``stated`` (cell → value the narrative gives) can break a localisation tie;
    ``sheet``: :func:`read` of the result, ``evaluation``: :func:`evaluate` of it, when known."""
    sheet = read(result) if sheet is None else sheet
    evaluation = evaluate(result, sheet.values) if evaluation is None else evaluation
    out = []
    if evaluation.problems:
        diagnoses = localise(evaluation.problems, evaluation.states, sheet.values,
                             valid=lambda c, v: _valid(c, v) is None,
                             suspect=lambda c: suspicion(result.cells.get(c)) is not None, stated=stated)
        for diagnosis in diagnoses:
            out.extend(_problem_findings(result, diagnosis, sheet.values))
    if evaluation.unchecked:
        out.extend(_unchecked_findings(evaluation.unchecked))
    if sheet.odd:
        out.extend(_value_findings(result, sheet.odd))
    return out


def _problem_findings(result: Result, d: Diagnosis, values: Values) -> list[Finding]:
    cells = list(dict.fromkeys(c for st in d.problems for c in st.eq.cells if c not in st.blocked))
    cause, why = _cause(result, [d.repair[0]] if d.repair else cells)
    if d.repair:
        cell, value = d.repair
        verdict = f"最可能有误的是{cell_label(cell)}：{fmt(values[cell])} 改为 {fmt(value)}（{_BASIS[d.basis]}）"
    elif d.fixes:
        verdict = "改动其中任一单元格都能使等式成立，无法确定哪个有误：" + "、".join(
            f"{cell_label(c)} 改为 {fmt(v)}" for c, v in d.fixes)
    elif any(st.broken for st in d.problems):
        verdict = "没有单个单元格的改动能使这些等式同时成立，至少有两个单元格有误"
    else:
        verdict = "缺少的单元格无法确定差在哪里"
    repair = Repair.build(cell=d.repair[0], value=d.repair[1]) if d.repair else None
    out = []
    for st in d.problems:
        eq, head = st.eq, _statement(st.eq, values)
        if st.broken:
            left, right = (sum(values[c] for c in side) for side in (eq.left, eq.right))  # type: ignore[misc]  # a broken identity has every value
            out.append(Finding.build(rule=eq.rule, check=eq.check, severity="error", cells=list(eq.cells), expected=_num(left),
                                     actual=_num(right), message=f"{head}；{verdict}；{why}", cause=cause, repair=repair))
            continue
        s1 = eq.rule == "H1" and all(c.startswith("p3.carried_forward.") for c in st.blocked)
        missing = "、".join(cell_label(c) for c in st.blocked)
        out.append(Finding.build(
            rule="S1" if s1 else eq.rule, check="p3.balance_bound" if s1 else eq.check, severity="error",
            cells=[c for c in eq.cells if c not in st.blocked], blocked_by=list(st.blocked), cause=cause, repair=repair,
            message=f"{head}：缺少{missing}，但已知单元格已使等式无法成立（各项都不能为负）；{verdict}；{why}",
        ))
    return out


def _unchecked_findings(blocked: list[State]) -> list[Finding]:
    by_rule: dict[tuple[str, str, str], list[State]] = defaultdict(list)
    for st in blocked:
        by_rule[(st.eq.rule, st.eq.check, st.eq.table)].append(st)
    out = []
    for (rule, check, table), items in by_rule.items():
        missing = list(dict.fromkeys(chain.from_iterable(map(_BLOCKED, items))))
        wheres = "、".join(st.eq.where for st in items[:4]) + ("等" if len(items) > 4 else "")
        out.append(Finding.build(
            rule=rule, check=check, severity="info", blocked_by=missing,
            cells=list(filterfalse(set(missing).__contains__, dict.fromkeys(chain.from_iterable(map(_CELLS, items))))),
            message=f"{table} {_RULE_NAMES[rule]}：{wheres}共 {len(items)} 处因缺少 {len(missing)} 个单元格无法核对",
        ))
    return out


_BLOCKED, _CELLS = attrgetter("blocked"), attrgetter("eq.cells")


def _value_findings(result: Result, odd: list[str]) -> list[Finding]:
    """H5: counts are integers ≥ 0; 本年增/减 may be negative; money is a decimal ≥ 0.
    ``odd``: the cells whose value is not a count (the others are valid whatever the cell)."""
    out = []
    for cid in odd:
        cell = result.cells[cid]
        problem = _valid(cid, cell.value)  # type: ignore[arg-type]  # an odd cell has a value
        if problem:
            cause, why = _cause(result, [cid])
            out.append(Finding.build(rule="H5", check="cell.value", severity="error", cells=[cid], actual=cell.value,
                                     cause=cause, message=f"{cell_label(cid)}：{fmt(cell.value)} {problem}；{why}"))
    return out


def _valid(cid: str, value: float) -> str | None:
    if type(value) is int and value >= 0:  # a count or an amount, whatever the cell: the common case
        return None
    if not math.isfinite(value):
        return "不是有效的数"
    spec = specs(None).get(cid)
    if spec is not None and spec.is_money:
        return "是负数，金额不能为负" if value < 0 else None
    if abs(value - round(value)) > EPS:
        return "不是整数"
    if value < 0 and not (spec is not None and spec.signed):
        return "是负数，件数不能为负"
    return None


def _cause(result: Result, cells: list[str]) -> tuple[Cause, str]:
    reasons = [(c, r) for c in cells if (r := suspicion(result.cells.get(c)))]
    if reasons:
        cell, reason = reasons[0]
        return "extraction", f"疑为读取错误：{cell_label(cell)} {reason}"
    return "source", "相关单元格读取无疑点，应是报告原文本身的数据不一致"


def _statement(eq: Equation, values: Values) -> str:
    def term(c: str) -> str:
        return fmt(values.get(c))

    head = f"{eq.table} {eq.where}"
    if eq.rule == "H1":
        return (f"{head}：本年新收 {term(eq.left[0])} + 上年结转 {term(eq.left[1])} ≠ "
                f"办理结果总计 {term(eq.right[0])} + 结转下年度 {term(eq.right[1])}")
    if eq.rule == "H2":
        nonzero = [f"{row_label(c[3:].rsplit('.', 1)[0])} {term(c)}" for c in eq.left if values.get(c)]
        listed = f"（{'、'.join(nonzero)}）" if 0 < len(nonzero) <= 4 else ""
        return f"{head}：各项办理结果之和 {_sum(eq.left, values)}{listed} ≠ （七）总计 {term(eq.right[0])}"
    if eq.rule == "H3":
        return f"{head}：六类申请人之和 {_sum(eq.left, values)} ≠ 总计 {term(eq.right[0])}"
    parts = " + ".join(f"{specs(None)[c].column} {term(c)}" for c in eq.left)
    return f"{head}：{parts} = {_sum(eq.left, values)} ≠ 总计 {term(eq.right[0])}"


def _sum(cells: tuple[str, ...], values: Values) -> str:
    known = [values[c] for c in cells if values.get(c) is not None]
    return fmt(_num(sum(known))) + ("" if len(known) == len(cells) else "（不含缺失项）")  # type: ignore[arg-type]  # known holds no None


def _num(value: float) -> float:
    return int(value) if float(value).is_integer() else value


_BASIS = {"unique": "只改这一个单元格即可使所有等式成立",
          "evidence": "几个可能的单元格中只有它的读取有疑点",
          "narrative": "几个可能的改法中只有它与第一部分文字所述数字一致",
          "total_left_zero": "也可把唯一不为 0 的分项改为 0，但本报告另有总计为 0 而分项不为 0 的错误，应同样是总计漏填"}
_RULE_NAMES = {"H1": "H1 本列勾稽关系（新收+结转 = 办理结果总计+结转下年度）", "H2": "H2 各项办理结果之和 = （七）总计",
               "H3": "H3 总计列 = 六类申请人之和", "H4": "H4 总计 = 结果维持+结果纠正+其他结果+尚未审结"}
