"""Hard rules H1–H5 (format.md §4.1): broken, holding, or not checkable — with the culprit.

H6 (row shapes) is the table reader's to report: only it sees how many values a row had.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from extractor.validate.equations import Equation, cell_label, equations, row_label
from extractor.validate.evidence import fmt, suspicion
from extractor.validate.localise import EPS, Diagnosis, localise
from schemas import Finding, Repair, Result, specs

Values = dict[str, float | None]


@dataclass(frozen=True, slots=True)
class Evaluated:
    eq: Equation
    residual: float | None  # None when a cell is missing
    blocked: tuple[str, ...]  # the missing cells
    impossible: bool = False  # missing cells, yet the known ones already break it (counts are ≥ 0)


def template_of(result: Result) -> str | None:
    if result.meta.template:
        return result.meta.template
    if "p3.other.total" in result.cells:
        return "2019"
    if "p3.other.other.total" in result.cells:
        return "2021"
    return None


def values_of(result: Result) -> Values:
    """Cell values for the arithmetic; missing cells and non-numbers (inf, nan: H5) are None."""
    return {cid: c.value if c.status != "missing" and c.value is not None and math.isfinite(c.value) else None
            for cid, c in result.cells.items()}


def evaluate(result: Result) -> list[Evaluated]:
    template = template_of(result)
    if template is None:
        return []
    values = values_of(result)
    out = []
    for eq in equations(template):
        blocked = tuple(c for c in eq.cells if values.get(c) is None)
        known = sum(eq.coef(c) * values[c] for c in eq.cells if c not in blocked)
        if not blocked:
            out.append(Evaluated(eq, known, ()))
            continue
        # the missing cells contribute Σ coef·x with x ≥ 0: their sign bounds what they can add
        signs = {eq.coef(c) for c in blocked}
        impossible = (signs == {1} and known > EPS) or (signs == {-1} and known < -EPS)
        out.append(Evaluated(eq, None, blocked, impossible))
    return out


def hard_findings(result: Result) -> list[Finding]:
    evaluated = evaluate(result)
    values = values_of(result)
    broken = {e.eq: e.residual for e in evaluated if e.residual is not None and abs(e.residual) > EPS}
    holding = [e.eq for e in evaluated if e.residual is not None and abs(e.residual) <= EPS]
    known = {c: v for c, v in values.items() if v is not None}
    diagnoses = localise(broken, holding, known, valid=lambda c, v: _valid(c, v) is None,
                         suspect=lambda c: suspicion(result.cells.get(c)) is not None)
    out = []
    for diagnosis in diagnoses:
        out.extend(_broken_findings(result, diagnosis, broken, values))
    out.extend(_bound_findings(result, [e for e in evaluated if e.impossible], values))
    out.extend(_unchecked_findings([e for e in evaluated if e.blocked and not e.impossible]))
    out.extend(_value_findings(result))
    return out


def _broken_findings(result: Result, d: Diagnosis, broken: dict[Equation, float], values: Values) -> list[Finding]:
    group_cells = list(dict.fromkeys(c for eq in d.equations for c in eq.cells))
    cause, why = _cause(result, [d.repair[0]] if d.repair else group_cells)
    if d.repair:
        cell, value = d.repair
        basis = _BASIS[d.basis]
        verdict = f"最可能有误的是{cell_label(cell)}：{fmt(values[cell])} 改为 {fmt(value)}（{basis}）"
    elif d.fixes:
        verdict = "改动其中任一单元格都能使等式成立，无法确定哪个有误：" + "、".join(
            f"{cell_label(c)} 改为 {fmt(v)}" for c, v in d.fixes)
    else:
        verdict = "没有单个单元格的改动能使这些等式同时成立，至少有两个单元格有误"
    tail = f"；{verdict}；{why}"
    out = []
    for eq in d.equations:
        left, right = (sum(values[c] for c in side) for side in (eq.left, eq.right))
        out.append(Finding(
            rule=eq.rule, check=eq.check, severity="error", cells=list(eq.cells), expected=_num(left),
            actual=_num(right), message=_statement(eq, values) + tail, cause=cause,
            repair=Repair(cell=d.repair[0], value=d.repair[1]) if d.repair else None,
        ))
    return out


def _bound_findings(result: Result, impossible: list[Evaluated], values: Values) -> list[Finding]:
    out = []
    for e in impossible:
        eq = e.eq
        s1 = eq.rule == "H1" and all(c.startswith("p3.carried_forward.") for c in e.blocked)
        present = [c for c in eq.cells if c not in e.blocked]
        cause, why = _cause(result, present)
        missing = "、".join(cell_label(c) for c in e.blocked)
        out.append(Finding(
            rule="S1" if s1 else eq.rule, check="p3.balance_bound" if s1 else eq.check, severity="warning",
            cells=present, blocked_by=list(e.blocked), cause=cause,
            message=f"{_statement(eq, values)}：缺少{missing}，但已知单元格已使等式无法成立（各项都不能为负）；{why}",
        ))
    return out


def _unchecked_findings(blocked: list[Evaluated]) -> list[Finding]:
    by_rule: dict[tuple[str, str, str], list[Evaluated]] = defaultdict(list)
    for e in blocked:
        by_rule[(e.eq.rule, e.eq.check, e.eq.table)].append(e)
    out = []
    for (rule, check, table), items in by_rule.items():
        missing = list(dict.fromkeys(c for e in items for c in e.blocked))
        wheres = "、".join(e.eq.where for e in items[:4]) + ("等" if len(items) > 4 else "")
        out.append(Finding(
            rule=rule, check=check, severity="info", blocked_by=missing,
            cells=list(dict.fromkeys(c for e in items for c in e.eq.cells if c not in missing)),
            message=f"{table} {_RULE_NAMES[rule]}：{wheres}共 {len(items)} 处因缺少 {len(missing)} 个单元格无法核对",
        ))
    return out


def _value_findings(result: Result) -> list[Finding]:
    """H5: counts are integers ≥ 0; 本年增/减 may be negative; money is a decimal ≥ 0."""
    out = []
    for cid, cell in result.cells.items():
        if cell.status == "missing" or cell.value is None:
            continue
        problem = _valid(cid, cell.value)
        if problem:
            cause, why = _cause(result, [cid])
            out.append(Finding(rule="H5", check="cell.value", severity="error", cells=[cid], actual=cell.value,
                               cause=cause, message=f"{cell_label(cid)}：{fmt(cell.value)} {problem}；{why}"))
    return out


def _valid(cid: str, value: float) -> str | None:
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


def _cause(result: Result, cells: list[str]) -> tuple[str, str]:
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
        listed = f"（{'、'.join(nonzero)}）" if nonzero else ""
        return f"{head}：各项办理结果之和 {_sum(eq.left, values)}{listed} ≠ （七）总计 {term(eq.right[0])}"
    if eq.rule == "H3":
        return f"{head}：六类申请人之和 {_sum(eq.left, values)} ≠ 总计 {term(eq.right[0])}"
    parts = " + ".join(f"{specs(None)[c].column} {term(c)}" for c in eq.left)
    return f"{head}：{parts} = {_sum(eq.left, values)} ≠ 总计 {term(eq.right[0])}"


def _sum(cells: tuple[str, ...], values: Values) -> str:
    known = [values[c] for c in cells if values.get(c) is not None]
    return fmt(_num(sum(known))) + ("" if len(known) == len(cells) else "（不含缺失项）")


def _num(value: float) -> float:
    return int(value) if float(value).is_integer() else value


_BASIS = {"unique": "只改这一个单元格即可使所有等式成立",
          "evidence": "几个可能的单元格中只有它的读取有疑点",
          "total_left_zero": "也可把唯一不为 0 的分项改为 0，但本报告另有总计为 0 而分项不为 0 的错误，应同样是总计漏填"}
_RULE_NAMES = {"H1": "H1 本列勾稽关系（新收+结转 = 办理结果总计+结转下年度）", "H2": "H2 各项办理结果之和 = （七）总计",
               "H3": "H3 总计列 = 六类申请人之和", "H4": "H4 总计 = 结果维持+结果纠正+其他结果+尚未审结"}
