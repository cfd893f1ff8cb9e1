"""Soft checks S2–S13 (format.md §4.2): plausibility, not arithmetic. A violation is worth
a look but can be right, so these are warnings or infos. (S1, NEW + IN ≥ SUM when 结转下年度
is missing, is the bound of H1 and comes from :mod:`extractor.validate.hard`.)
"""
from __future__ import annotations

import re

from extractor.lazy_re import lazy_compile
from extractor.validate.context import Context
from extractor.validate.equations import COLUMNS, P4_BLOCKS, cell_label
from extractor.validate.evidence import fmt
from schemas import Finding
from schemas.result import Severity

_TOWNSHIP = lazy_compile(r"(镇|乡|街道|街道办事处)(人民政府|政府)?$|街道办事处$")
_COUNTY = lazy_compile(r"(县|区|旗)(人民政府|政府)$")
_DEPARTMENT = lazy_compile(r"(局|中心|委员会|委|办公室|办|厅|所|站|队)$")
_NATIONAL = lazy_compile(r"^(国家|国务院|中华人民共和国)|部$|总局$")
_FEE_NOTICE = lazy_compile(r"收费通知|缴费通知|缴纳|缴费")
_FEE_CHARGED = lazy_compile(r"收取[^。]{0,24}?处理费(\d+(?:\.\d+)?)(?:万元|元)")
_REGULATIONS = re.compile(r"p2\.regulations\.").match
SLUGS = ("p3.carried_over_vs_last_year", "p2.in_force_vs_last_year", "p2.in_force_within_year",
         "p2.published_vs_made", "p2.items_balance", "p2.items_vs_last_year", "p2.decisions_look_like_items",
         "p2.procurement", "p2.regulations_power", "p2.magnitude", "p4.without_applications",
         "p6.fee_notices", "p4.suit_after_review_without_review")


def _f(rule: str, check: str, severity: Severity, cells: list[str], message: str, **kw) -> Finding:
    return Finding.build(rule=rule, check=check, severity=severity, cells=cells, message=message, **kw)


def s2_carried_over(ctx: Context) -> list[Finding]:
    """This year's 上年结转 = last year's 结转下年度, column by column."""
    if ctx.previous is None:
        return []
    out, blocked = [], []
    for col in COLUMNS:
        now, before = f"p3.carried_over.{col}", f"p3.carried_forward.{col}"
        a, b = ctx.value(now), ctx.previous_value(before)
        if a is None or b is None:
            blocked += [cid for cid, v in ((now, a), (before, b)) if v is None]
        elif a != b:
            out.append(_f("S2", "p3.carried_over_vs_last_year", "warning", [now], expected=b, actual=a,
                          message=f"{cell_label(now)} 为 {fmt(a)}，但{_last_year(ctx)}报告的结转下年度为 {fmt(b)}"))
    return out or _not_checkable("S2", "p3.carried_over_vs_last_year", blocked)


def s3_in_force_across_years(ctx: Context) -> list[Finding]:
    """2021 format: 现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y)."""
    if ctx.previous is None or not ctx.template == ctx.previous.meta.template == "2021":
        return []
    out, blocked = [], []
    for row in ("regulations", "normative_documents"):
        now = f"p2.{row}.in_force"
        ids = (f"p2.{row}.issued", f"p2.{row}.repealed", now)
        vals = (ctx.previous_value(now), *(ctx.value(c) for c in ids))
        if None in vals:
            blocked += [cid for cid, v in zip((now, *ids), vals) if v is None]
            continue
        last, issued, repealed, in_force = vals
        if last + issued - repealed != in_force:
            out.append(_f("S3", "p2.in_force_vs_last_year", "warning", [now, f"p2.{row}.issued", f"p2.{row}.repealed"],
                          expected=last + issued - repealed, actual=in_force,
                          message=f"{cell_label(now)} 为 {fmt(in_force)}，但{_last_year(ctx)}现行有效 {fmt(last)} + 本年制发 "
                                  f"{fmt(issued)} − 本年废止 {fmt(repealed)} = {fmt(last + issued - repealed)}"))
    return out or _not_checkable("S3", "p2.in_force_vs_last_year", blocked)


def cross_year(ctx: Context) -> list[Finding]:
    """S2 and S3 alone: what a batch run checks between an issuer's consecutive reports."""
    return [*s2_carried_over(ctx), *s3_in_force_across_years(ctx)]


def _last_year(ctx: Context) -> str:
    year = ctx.previous.meta.year if ctx.previous is not None else None
    return f"{year}年" if year else "上一年"


def _not_checkable(rule: str, check: str, blocked: list[str]) -> list[Finding]:
    """Missing cells (this year's or last year's) make a cross-year rule not checkable, never 0."""
    if not blocked:
        return []
    return [_f(rule, check, "info", [], blocked_by=list(dict.fromkeys(blocked)),
               message=f"{rule} 无法核对：缺少单元格（本年或上年报告）")]


def s4_in_force_within_year(ctx: Context) -> list[Finding]:
    if ctx.template != "2021":
        return []
    out = []
    for row in ("regulations", "normative_documents"):
        ids = [f"p2.{row}.in_force", f"p2.{row}.issued", f"p2.{row}.repealed"]
        in_force, issued, repealed = (ctx.value(c) for c in ids)
        if None not in (in_force, issued, repealed) and in_force < issued - repealed:
            out.append(_f("S4", "p2.in_force_within_year", "warning", ids, expected=issued - repealed, actual=in_force,
                          message=f"{cell_label(ids[0])} {fmt(in_force)} 小于本年制发 {fmt(issued)} − 本年废止 "
                                  f"{fmt(repealed)}：本年制发且仍有效的文件应计入现行有效"))
    return out


def s5_published_vs_made(ctx: Context) -> list[Finding]:
    if ctx.template != "2019":
        return []
    out = []
    for row in ("regulations", "normative_documents"):
        ids = [f"p2.{row}.made", f"p2.{row}.published", f"p2.{row}.total_published"]
        made, published, total = (ctx.value(c) for c in ids)
        if published is not None and total is not None and published > total:
            out.append(_f("S5", "p2.published_vs_made", "warning", ids[1:], expected=total, actual=published,
                          message=f"{cell_label(ids[1])} {fmt(published)} 大于对外公开总数量 {fmt(total)}"))
        if made is not None and published is not None and made - published >= 10 and made >= 3 * published:
            out.append(_f("S5", "p2.published_vs_made", "warning", ids, expected=made, actual=published,
                          message=f"{cell_label(ids[0])} {fmt(made)}，但本年新公开数量只有 {fmt(published)}："
                                  "差距很大，可能填错或漏公开"))
    return out


_ITEM_ROWS = ("licensing", "other_services", "penalty", "coercion", "fees")


def s6_items(ctx: Context) -> list[Finding]:
    """2019 (五)(六)(八): 上一年项目数量 + 本年增/减 ≥ 0; across years it carries on."""
    if ctx.template != "2019":
        return []
    out = []
    for row in _ITEM_ROWS:
        last_id, change_id = f"p2.{row}.items_last_year", f"p2.{row}.items_change"
        last, change = ctx.value(last_id), ctx.value(change_id)
        if last is not None and change is not None and last + change < 0:
            out.append(_f("S6", "p2.items_balance", "warning", [last_id, change_id], actual=last + change,
                          message=f"{cell_label(last_id)} {fmt(last)} + 本年增/减 {fmt(change)} 为负数"))
        before = (ctx.previous_value(last_id), ctx.previous_value(change_id))
        if last is not None and None not in before and last != before[0] + before[1]:
            out.append(_f("S6", "p2.items_vs_last_year", "warning", [last_id], expected=before[0] + before[1], actual=last,
                          message=f"{cell_label(last_id)} 为 {fmt(last)}，但上一年报告为 {fmt(before[0])}、"
                                  f"增减 {fmt(before[1])}，应为 {fmt(before[0] + before[1])}"))
    return out


def s7_decisions_look_like_items(ctx: Context) -> list[Finding]:
    if ctx.template != "2019":
        return []
    out = []
    for row in _ITEM_ROWS[:4]:
        ids = [f"p2.{row}.items_last_year", f"p2.{row}.items_change", f"p2.{row}.decisions"]
        last, change, decisions = (ctx.value(c) for c in ids)
        if None not in (last, change, decisions) and decisions > 0 and decisions == last + change:
            out.append(_f("S7", "p2.decisions_look_like_items", "warning", ids, actual=decisions,
                          message=f"{cell_label(ids[2])} {fmt(decisions)} = 上一年项目数量 {fmt(last)} + 本年增/减 "
                                  f"{fmt(change)}：疑似把本年项目数量填成了处理决定数量"))
    return out


def s8_procurement(ctx: Context) -> list[Finding]:
    if ctx.template != "2019":
        return []
    ids = ["p2.procurement.projects", "p2.procurement.amount"]
    projects, amount = (ctx.value(c) for c in ids)
    out = []
    if projects is not None and amount is not None and (projects == 0) != (amount == 0):
        out.append(_f("S8", "p2.procurement", "warning", ids,
                      message=f"政府集中采购：采购项目数量 {fmt(projects)}，采购总金额 {fmt(amount)}，一个为 0 另一个不为 0"))
    cell = ctx.result.cells.get(ids[1])
    if amount and cell is not None and cell.raw is not None and "元" not in cell.raw:
        out.append(_f("UNIT", "p2.procurement", "warning", [ids[1]],
                      message=f"政府集中采购 采购总金额“{cell.raw}”没有写单位，已按万元理解，请核对"))
    return out


def _level(issuer: str | None) -> str | None:
    if not issuer:
        return None
    if _TOWNSHIP.search(issuer):
        return "township"
    if _COUNTY.search(issuer):
        return "county"
    if _DEPARTMENT.search(issuer) and not _NATIONAL.search(issuer) and not issuer.endswith("人民政府"):
        return "department"
    return None


def s9_regulations_power(ctx: Context) -> list[Finding]:
    level = _level(ctx.result.meta.issuer)
    if level is None:
        return []
    ids = [c for c in filter(_REGULATIONS, ctx.values) if not c.endswith("repealed")]  # a match per cell, in C
    reported = [c for c in ids if (ctx.value(c) or 0) > 0]
    if not reported:
        return []
    who = {"township": "乡镇、街道", "county": "县、区", "department": "地方政府部门"}[level]
    return [_f("S9", "p2.regulations_power", "warning", reported,
               message=f"{ctx.result.meta.issuer} 报告了规章（{'、'.join(f'{cell_label(c)} {fmt(ctx.value(c))}' for c in reported)}），"
                       f"但{who}没有规章制定权；可能把规范性文件或转发的规章计入了规章")]


def s10_magnitude(ctx: Context) -> list[Finding]:
    if _level(ctx.result.meta.issuer) != "township":
        return []
    out = []
    for cid in ("p2.normative_documents.made", "p2.normative_documents.issued"):
        v = ctx.value(cid)
        if v is not None and v >= 50:
            out.append(_f("S10", "p2.magnitude", "warning", [cid], actual=v,
                          message=f"{cell_label(cid)} {fmt(v)}：一个乡镇一年制发这么多规范性文件很少见，请核对"))
    return out


def s11_cases_without_applications(ctx: Context) -> list[Finding]:
    new, carried = ctx.value("p3.new_received.total"), ctx.value("p3.carried_over.total")
    totals = [f"p4.{b}.total" for b in P4_BLOCKS if (ctx.value(f"p4.{b}.total") or 0) > 0]
    if new == 0 and carried == 0 and totals:
        return [_f("S11", "p4.without_applications", "info", ["p3.new_received.total", "p3.carried_over.total", *totals],
                   message="本年没有新收和结转的政府信息公开申请，但表四有行政复议或诉讼案件（可能源于往年的申请，请核对）")]
    return []


def s12_fee_notices(ctx: Context) -> list[Finding]:
    cid = "p3.other.no_fee.total"
    v = ctx.value(cid)
    part = ctx.result.parts.get("p6")
    if ctx.template != "2021" or not v or part is None or part.status != "present":
        return []  # without part 六 there is nothing to read (a missing part is a STRUCTURE finding)
    p6 = ctx.sections["p6"].text
    charged = _FEE_CHARGED.search(p6)
    if _FEE_NOTICE.search(p6) or (charged and float(charged[1]) > 0):
        return []
    return [_f("S12", "p6.fee_notices", "warning", [cid], actual=v,
               message=f"表三有 {fmt(v)} 件申请因逾期未缴费不再处理，但第六部分没有说明收费通知或缴费情况")]


def s13_suit_after_review(ctx: Context) -> list[Finding]:
    after, review = ctx.value("p4.suit_after_review.total"), ctx.value("p4.review.total")
    if after and review == 0:
        return [_f("S13", "p4.suit_after_review_without_review", "info", ["p4.suit_after_review.total", "p4.review.total"],
                   message=f"复议后起诉 {fmt(after)} 件，但本年行政复议为 0（可能是往年复议或其他复议机关，请核对）")]
    return []


CHECKS = (s2_carried_over, s3_in_force_across_years, s4_in_force_within_year, s5_published_vs_made, s6_items,
          s7_decisions_look_like_items, s8_procurement, s9_regulations_power, s10_magnitude,
          s11_cases_without_applications, s12_fee_notices, s13_suit_after_review)
