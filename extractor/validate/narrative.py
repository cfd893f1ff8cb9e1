"""Narrative checks N1–N12 (format.md §5): the figures the text states, against the tables
and against themselves. All are warnings or infos: the narrative may count something else
(「区政府办代表区政府受理…17 件」 while 表三 covers every department), so a person decides.

A figure is compared with a table cell only when its clause names the table's noun;
「共公开26个部门政策性文件365件」 is not about 表二's 规范性文件 and is left alone.
"""
from __future__ import annotations

from typing import NamedTuple

from extractor.lazy_re import lazy_compile
from extractor.narrative.claims import Breakdown, breakdowns, enumerations, promised_parts
from extractor.narrative.compact import Compact
from extractor.narrative.figures import Mention
from extractor.validate.context import Context
from extractor.validate.equations import P4_BLOCKS, cell_label, outcome_rows
from extractor.validate.evidence import fmt
from schemas import Finding
from schemas.result import Severity

SLUGS = ("narrative.applications", "narrative.breakdown", "narrative.shares", "narrative.enumeration",
         "narrative.appeals", "narrative.table2", "narrative.period", "narrative.six_parts",
         "narrative.fee_statement", "narrative.last_year_review")
_PART_NAMES = dict(zip(("p1", "p2", "p3", "p4", "p5", "p6"), "一二三四五六"))
_OFF_TOPIC = lazy_compile(r"咨询|投诉|建议|留言|热线|工单|来电|来信")
_CARRIED_IN = lazy_compile(r"上一?年度?结转")
_CARRIED_OUT = lazy_compile(r"结转(?:到|至)?下一?年|顺延|转入下一?年")
_RECEIVED = lazy_compile(r"受理|收到|新收|接收|接到|共收")
_CONCLUDED = lazy_compile(r"办结|答复|办理完毕|处理完毕")
_CATEGORIES = {"予以公开": ("disclosed",), "部分公开": ("partly_disclosed",), "不予公开": ("withheld",),
               "无法提供": ("unavailable",), "不予处理": ("not_handled",), "其他处理": ("other",)}
_NONE_RECEIVED = lazy_compile(r"(?:未|没有)(?:收到|接到|受理|发生)[^。,;]{0,20}申请|无[^。,;]{0,8}申请公开")
_NO_CASES = lazy_compile(r"(?:未|没有|无)(?:发生|收到|涉及|出现)?[^。,;]{0,12}?(行政复议|行政诉讼)")
_ALL_UPHELD = lazy_compile(r"均(?:获|予|被)?维持|全部(?:获|予)?维持")
_MAKING = lazy_compile(r"制发|制定|出台|印发|新增|发布")
_DECIDING = lazy_compile(r"决定|作出|办理|办结|实施")
_PERIOD = lazy_compile(r"(\d{4})年1月1日(?:起)?(?:至|到|-|—|~)(\d{4})年12月(\d{1,2})日")
_AS_OF = lazy_compile(r"(?:截至|截止)(?:到)?(\d{4})年12月(\d{1,2})日")
_CASES = lazy_compile(r"复议|诉讼")
_CASE_OUTCOME = lazy_compile(r"维持|纠正|其他结果|审结")
_WITH_LAST_YEAR = lazy_compile(r"(?:含|其中)上一?年")
_NOT_MADE = lazy_compile(r"部门|转发|政策性|清理|废止")
_FEES = lazy_compile(r"处理费|收费")
_LAST_YEAR_REVIEW = lazy_compile(r"上一?年|去年|前一年|整改落实|落实情况|已整改|整改到位")
_REVIEW = ("p4.review.total",)
_SUITS = ("p4.suit_direct.total", "p4.suit_after_review.total")
_OUTCOMES = {"维持": "upheld", "纠正": "corrected", "其他结果": "other", "未审结": "pending"}
_WHERE = {"preamble": "报告开头", "p1": "第一部分"}


def _f(rule: str, check: str, severity: Severity, message: str, view: Compact | None = None,
       m: Mention | None = None, **kw) -> Finding:
    span = view.span(m.start, m.end) if view is not None and m is not None else None
    return Finding.build(rule=rule, check=check, severity=severity, message=message, span=span, **kw)


def _quote(view: Compact, m: Mention) -> str:
    return view.text[m.clause[0]:m.clause[1]]


def _table_total(ctx: Context, cells: list[str]) -> float | None:
    vals = [ctx.value(c) for c in cells]
    return None if not cells or None in vals else sum(vals)  # type: ignore[arg-type]  # None in vals returned None


class Claim(NamedTuple):
    """A figure of part 一 that states a table cell (or the sum of some): 「受理…申请 17 件」."""

    rule: str
    table: str  # 表三 / 表四
    what: str  # the cells in words, for the message
    cells: tuple[str, ...]
    mention: Mention


def claims(ctx: Context) -> list[Claim]:
    """The table claims of part 一 (read once per context: two checks ask)."""
    if "claims" not in ctx.memo:
        ctx.memo["claims"] = _claims(ctx)
    return ctx.memo["claims"]


def _claims(ctx: Context) -> list[Claim]:
    view, ms = ctx.sections["p1"], ctx.mentions["p1"]
    out = []
    for i, m in enumerate(ms):
        if m.unit not in ("件", "个", "条", "起") or m.approx:
            continue
        clause, sentence = _quote(view, m), view.text[m.sentence[0]:m.sentence[1]]
        if _OFF_TOPIC.search(clause):
            continue
        if _CASES.search(clause):
            out.extend(_case_claim(clause, m))
        elif "申请" in sentence:
            after = view.text[m.end:ms[i + 1].start if i + 1 < len(ms) else m.clause[1] + 12]
            out.extend(_application_claim(ctx, clause, after, m))
    for b in _breakdowns(ctx, "p1"):  # 「行政复议 351 件，其中结果维持 72 件，…」
        if any(c.mention == b.total and c.cells == _REVIEW for c in out):
            for part in b.parts:
                leaf = next((leaf for key, leaf in _OUTCOMES.items() if key in part.noun), None)
                if leaf:
                    out.append(Claim("N7", "表四", f"行政复议·{part.noun}", (f"p4.review.{leaf}",), part))
    return out


def _breakdowns(ctx: Context, key: str) -> list[Breakdown]:
    """The breakdowns of a section's figures (read once per context: 一's are asked for twice)."""
    memo = ("breakdowns", key)
    if memo not in ctx.memo:
        ctx.memo[memo] = breakdowns(ctx.sections[key], ctx.mentions[key])
    return ctx.memo[memo]


def stated_values(ctx: Context) -> dict[str, float]:
    """``{cell: value}`` the narrative states for single cells (a cell stated twice, differently, is left out)."""
    seen: dict[str, set[float]] = {}
    for c in claims(ctx):
        if len(c.cells) == 1:
            seen.setdefault(c.cells[0], set()).add(c.mention.value)
    return {cell: values.pop() for cell, values in seen.items() if len(values) == 1}


def n1_n3_n7_claims(ctx: Context) -> list[Finding]:
    """N1 受理/收到 → 本年新收; N2 办结/答复, 结转; N3 outcome categories; N7 复议/诉讼 counts."""
    view, out = ctx.sections["p1"], []
    with_carried = _table_total(ctx, ["p3.new_received.total", "p3.carried_over.total"])
    for c in claims(ctx):
        table = _table_total(ctx, list(c.cells))
        if c.rule == "N1" and c.mention.value == with_carried:
            continue  # 「共收到申请 100 件」 counting last year's carried-over ones too
        if table is not None and table != c.mention.value:
            check = "narrative.appeals" if c.table == "表四" else "narrative.applications"
            out.append(_f(c.rule, check, "warning", f"第一部分称“{_quote(view, c.mention)}”，但{c.table}{c.what}为 {fmt(table)}",
                          view, c.mention, cells=list(c.cells), expected=table, actual=c.mention.value))
    return out


def _case_claim(clause: str, m: Mention) -> list[Claim]:
    has_review, has_suit = "复议" in clause, "诉讼" in clause
    if has_review == has_suit or "其中" in clause or _CASE_OUTCOME.search(clause):
        return []
    if has_review:
        return [Claim("N7", "表四", "行政复议总计", _REVIEW, m)]
    return [Claim("N7", "表四", "行政诉讼总计（两类起诉之和）", _SUITS, m)]


def _application_claim(ctx: Context, clause: str, after: str, m: Mention) -> list[Claim]:
    template = ctx.template or "2019"
    if _CARRIED_IN.search(clause):
        return [Claim("N2", "表三", " 上年结转·总计", ("p3.carried_over.total",), m)]
    if _CARRIED_OUT.search(clause):
        return [Claim("N2", "表三", " 结转下年度·总计", ("p3.carried_forward.total",), m)]
    named = [k for k in _CATEGORIES if k in clause]
    if named:
        rows = [r for k in named for r in outcome_rows(template) if r.split(".")[0] in _CATEGORIES[k]]
        return [Claim("N3", "表三", "“" + "、".join(named) + "”合计", tuple(f"p3.{r}.total" for r in rows), m)]
    if _RECEIVED.search(clause) and "申请" in clause:
        if _WITH_LAST_YEAR.search(clause + after[:12]):
            return [Claim("N1", "表三", " 本年新收+上年结转", ("p3.new_received.total", "p3.carried_over.total"), m)]
        return [Claim("N1", "表三", " 本年新收·总计", ("p3.new_received.total",), m)]
    if _CONCLUDED.search(clause):
        return [Claim("N2", "表三", " 办理结果（七）总计", ("p3.outcome_total.total",), m)]
    return []


def n4_n5_breakdowns(ctx: Context) -> list[Finding]:
    out = []
    for key in ("preamble", "p1"):
        view = ctx.sections[key]
        for b in _breakdowns(ctx, key):
            out.extend(_breakdown_findings(view, b, _WHERE[key]))
    return out


def _breakdown_findings(view: Compact, b: Breakdown, where: str) -> list[Finding]:
    total, parts = b.total, b.parts
    summed = sum(p.value for p in parts)
    listing = " + ".join(fmt(p.value) for p in parts)
    head = f"{where}“{_quote(view, total)}”，其中所列 {listing} = {fmt(summed)}"
    out = []
    if summed > total.value:
        out.append(_f("N5", "narrative.breakdown", "warning", f"{head}，大于总数 {fmt(total.value)}", view, total,
                      expected=total.value, actual=summed))
    elif summed < total.value and len(parts) >= 2 and not any(p.approx for p in parts):
        out.append(_f("N5", "narrative.breakdown", "info", f"{head}，小于总数 {fmt(total.value)}（所列可能不全）",
                      view, total, expected=total.value, actual=summed))
    stated = [(p, s) for p, s in zip(parts, b.shares) if s is not None]
    if not stated or not total.value:
        return out
    wrong = [(p, s) for p, s in stated if abs(s.value - 100 * p.value / total.value) >= 10 ** -s.decimals + 1e-9]
    if wrong:
        detail = "；".join(f"{p.noun} {fmt(p.value)}{p.unit} 占 {fmt(s.value)}%，按总数 {fmt(total.value)} 应为 "
                          f"{100 * p.value / total.value:.2f}%" for p, s in wrong)
        out.append(_f("N4", "narrative.shares", "warning", f"{where}所列比例与数量不符：{detail}", view, wrong[0][1]))
    if len(stated) >= 2 and len(stated) == len(parts):
        share_sum = sum(s.value for _, s in stated)
        slack = sum(0.5 * 10 ** -s.decimals for _, s in stated)
        if share_sum > 100 + slack + 1e-9 or (summed == total.value and share_sum < 100 - 2 * slack - 1e-9):
            out.append(_f("N4", "narrative.shares", "warning",
                          f"{where}“{_quote(view, total)}”下各项所占比例之和为 {share_sum:g}%，而不是 100%",
                          view, stated[0][1], expected=100, actual=round(share_sum, 6)))
    return out


def n6_enumerations(ctx: Context) -> list[Finding]:
    out = []
    for key in ("p1", "p5", "p6"):
        view = ctx.sections[key]
        for e in enumerations(view):
            if e.found >= 2 and e.found != e.announced:
                phrase = view.text[e.start:e.end].rstrip(":,")
                out.append(Finding.build(rule="N6", check="narrative.enumeration", severity="warning",
                                         expected=e.announced, actual=e.found, span=view.span(e.start, e.end),
                                         message=f"第{_PART_NAMES[key]}部分说“{phrase}”，但后面列出了 {e.found} 项（一是…"
                                           f"{'一二三四五六七八九十'[e.found - 1]}是）"))
    return out


def n7_statements(ctx: Context) -> list[Finding]:
    """「未收到申请」, 「无复议诉讼」, 「均获维持」 against 表三/表四 (counts: :func:`claims`)."""
    view, out = ctx.sections["p1"], []
    text = view.text
    new = ctx.value("p3.new_received.total")
    # Each pattern runs only where its key word is: a word search is far cheaper than the pattern.
    m = _NONE_RECEIVED.search(text) if new and "申请" in text else None
    if m:
        out.append(Finding.build(rule="N7", check="narrative.applications", severity="warning", cells=["p3.new_received.total"],
                                 expected=0, actual=new, span=view.span(m.start(), m.end()),
                                 message=f"第一部分称“{m.group(0)}”，但表三 本年新收·总计 为 {fmt(new)}"))
    for m in _NO_CASES.finditer(text) if "行政复议" in text or "行政诉讼" in text else ():
        cells = list(_REVIEW if m[1] == "行政复议" else _SUITS)
        table = _table_total(ctx, cells)
        if table:
            out.append(Finding.build(rule="N7", check="narrative.appeals", severity="warning", cells=cells, expected=0,
                                     actual=table, span=view.span(m.start(), m.end()),
                                     message=f"第一部分称“{m.group(0)}”，但表四{m[1]}总计为 {fmt(table)}"))
    for m in _ALL_UPHELD.finditer(text) if "维持" in text else ():
        corrected = [f"p4.{b}.corrected" for b in P4_BLOCKS if ctx.value(f"p4.{b}.corrected")]
        if corrected:
            out.append(Finding.build(rule="N7", check="narrative.appeals", severity="warning", cells=corrected,
                                     span=view.span(m.start(), m.end()),
                                     message=f"第一部分称“{m.group(0)}”，但表四有结果纠正的案件（"
                                       + "、".join(f"{cell_label(c)} {fmt(ctx.value(c))}" for c in corrected) + "）"))
    return out


def n8_table2(ctx: Context) -> list[Finding]:
    """Only where the noun is 表二's own: 规范性文件, 规章, 行政许可/处罚/强制决定, 收费金额."""
    view, out = ctx.sections["p1"], []
    made = "made" if ctx.template == "2019" else "issued"
    for m in ctx.mentions["p1"]:
        clause = _quote(view, m)
        cid = None
        if m.unit in ("件", "个", "项") and _MAKING.search(clause) and not _NOT_MADE.search(clause):
            if "规范性文件" in clause:
                cid = f"p2.normative_documents.{made}"
            elif "规章" in clause:
                cid = f"p2.regulations.{made}"
        if m.unit in ("件", "项", "起") and _DECIDING.search(clause):
            for noun, row in (("行政许可", "licensing"), ("行政处罚", "penalty"), ("行政强制", "coercion")):
                if noun in clause:
                    cid = f"p2.{row}.decisions"
        if ctx.template == "2021" and m.unit in ("万元", "元") and "收费" in clause and "处理费" not in clause:
            cid = "p2.fees.amount"
        table = ctx.value(cid) if cid else None
        if table is None:
            continue
        said = m.value / 10000 if m.unit == "元" else m.value
        if abs(table - said) > 1e-6:
            out.append(_f("N8", "narrative.table2", "info",
                          f"第一部分称“{clause}”，而{cell_label(cid)} 为 {fmt(table)}（所指可能不同，请核对）",  # type: ignore[arg-type]  # cid is set when table is
                          view, m, cells=[cid], expected=table, actual=said))
    return out


def n9_period(ctx: Context) -> list[Finding]:
    year, out = ctx.result.meta.year, []
    for key in ("preamble", "p1", "p6"):
        view = ctx.sections[key]
        for m in _PERIOD.finditer(view.text) if "年1月1日" in view.text else ():  # the pattern's own words first
            start, end, day = int(m[1]), int(m[2]), int(m[3])
            if (year and (start != year or end != year)) or day != 31:
                out.append(Finding.build(rule="N9", check="narrative.period", severity="warning",
                                         span=view.span(m.start(), m.end()),
                                         message=f"统计期限“{m.group(0)}”与报告年度 {year or '?'} 年（1月1日至12月31日）不一致"))
        for m in _AS_OF.finditer(view.text):
            if int(m[2]) < 31 and (year is None or int(m[1]) == year):
                out.append(Finding.build(rule="N9", check="narrative.period", severity="info",
                                         span=view.span(m.start(), m.end()),
                                         message=f"文中数据“{m.group(0)}”，而统计期限应至 12 月 31 日"))
    return out


def n10_six_parts(ctx: Context) -> list[Finding]:
    for key in ("preamble", "p1"):
        view = ctx.sections[key]
        promise = promised_parts(view)
        if promise is None:
            continue
        lacking = [(k, p.status) for k, p in ctx.result.parts.items() if p.status != "present"]
        if not lacking:
            return []
        detail = "、".join(f"第{_PART_NAMES[k]}部分{'缺失' if s == 'missing' else '没有内容'}" for k, s in lacking)
        return [Finding.build(rule="N10", check="narrative.six_parts", severity="warning", span=view.span(*promise),
                              message=f"报告称由六部分组成，但{detail}")]
    return []


def n11_fee_statement(ctx: Context) -> list[Finding]:
    part = ctx.result.parts.get("p6")
    if ctx.template != "2021" or part is None or part.status != "present":
        return []
    if _FEES.search(ctx.sections["p6"].text):
        return []
    return [Finding.build(rule="N11", check="narrative.fee_statement", severity="info",
                          message="2021 年起第六部分应说明信息处理费的收取情况，本报告没有提到")]


def n12_last_year_review(ctx: Context) -> list[Finding]:
    part = ctx.result.parts.get("p5")
    if ctx.template != "2021" or part is None or part.status != "present":
        return []
    year = ctx.result.meta.year
    p5 = ctx.sections["p5"].text
    if _LAST_YEAR_REVIEW.search(p5) or (year and f"{year - 1}年" in p5):
        return []
    return [Finding.build(rule="N12", check="narrative.last_year_review", severity="info",
                          message="第五部分没有回顾上一年度改进措施的落实情况")]


CHECKS = (n1_n3_n7_claims, n4_n5_breakdowns, n6_enumerations, n7_statements, n8_table2, n9_period,
          n10_six_parts, n11_fee_statement, n12_last_year_review)
