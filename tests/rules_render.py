"""Render a synthetic annual report with known table values in the layouts real reports use.

Test helper for the rules reader: the same values rendered as tab-separated rows, pipe
(markdown) tables, one cell per line, real HTML and Word tables (read through the loaders),
and PDF-like layout text with wide space runs, wrapped labels and a vertical group label.
"""
from __future__ import annotations

import io
import random

from schemas import cell_ids, specs

T3_COLUMNS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")

T2 = {
    "2019": [
        ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
         [("规章", "p2.regulations"), ("规范性文件", "p2.normative_documents")]),
        ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         [("行政许可", "p2.licensing"), ("其他对外管理服务事项", "p2.other_services")]),
        ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         [("行政处罚", "p2.penalty"), ("行政强制", "p2.coercion")]),
        ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), [("行政事业性收费", "p2.fees")]),
        ("第二十条第（九）项", ("采购项目数量", "采购总金额"), [("政府集中采购", "p2.procurement")]),
    ],
    "2021": [
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
         [("规章", "p2.regulations"), ("行政规范性文件", "p2.normative_documents")]),
        ("第二十条第（五）项", ("本年处理决定数量",), [("行政许可", "p2.licensing")]),
        ("第二十条第（六）项", ("本年处理决定数量",), [("行政处罚", "p2.penalty"), ("行政强制", "p2.coercion")]),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), [("行政事业性收费", "p2.fees")]),
    ],
}

_T3_HEAD = [
    ("一、本年新收政府信息公开申请数量", None, None, "p3.new_received"),
    ("二、上年结转政府信息公开申请数量", None, None, "p3.carried_over"),
    ("三、本年度办理结果", "（一）予以公开", None, "p3.disclosed"),
    (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, "p3.partly_disclosed"),
    (None, "（三）不予公开", "1.属于国家秘密", "p3.withheld.state_secret"),
    (None, None, "2.其他法律行政法规禁止公开", "p3.withheld.prohibited_by_law"),
    (None, None, "3.危及“三安全一稳定”", "p3.withheld.security_stability"),
    (None, None, "4.保护第三方合法权益", "p3.withheld.third_party"),
    (None, None, "5.属于三类内部事务信息", "p3.withheld.internal_affairs"),
    (None, None, "6.属于四类过程性信息", "p3.withheld.process_info"),
    (None, None, "7.属于行政执法案卷", "p3.withheld.enforcement_file"),
    (None, None, "8.属于行政查询事项", "p3.withheld.inquiry"),
    (None, "（四）无法提供", "1.本机关不掌握相关政府信息", "p3.unavailable.not_held"),
    (None, None, "2.没有现成信息需要另行制作", "p3.unavailable.needs_creation"),
    (None, None, "3.补正后申请内容仍不明确", "p3.unavailable.unclear"),
    (None, "（五）不予处理", "1.信访举报投诉类申请", "p3.not_handled.petition"),
    (None, None, "2.重复申请", "p3.not_handled.duplicate"),
    (None, None, "3.要求提供公开出版物", "p3.not_handled.publication"),
    (None, None, "4.无正当理由大量反复申请", "p3.not_handled.excessive"),
    (None, None, "5.要求行政机关确认或重新出具已获取信息", "p3.not_handled.confirmation"),
]
_T3_OTHER = {
    "2019": [(None, "（六）其他处理", None, "p3.other")],
    "2021": [
        (None, "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "p3.other.no_correction"),
        (None, None, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "p3.other.no_fee"),
        (None, None, "3.其他", "p3.other.other"),
    ],
}
_T3_TAIL = [
    (None, "（七）总计", None, "p3.outcome_total"),
    ("四、结转下年度继续办理", None, None, "p3.carried_forward"),
]
T4_HEAD = [
    ["行政复议", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
NARRATIVE = "本年度共主动公开政府信息 128 条，收到政府信息公开申请 12 件，其中予以公开 5 件。"


def t3_rows(template: str) -> list[tuple[str | None, str | None, str | None, str]]:
    return _T3_HEAD + _T3_OTHER[template] + _T3_TAIL


def random_values(template: str, seed: int = 0) -> dict[str, int | float]:
    """Plausible values for every cell that satisfy the hard rules (H1–H5): 表三's outcome rows
    add up to （七）总计, 新收 + 结转 = 总计 + 结转下年度, every 总计 column and 表四 block adds up;
    money has decimals, 本年增/减 may be negative."""
    rng = random.Random(seed)
    out: dict[str, int | float] = {}
    for cid, spec in specs(template).items():
        if spec.part == "二":
            if spec.is_money:
                out[cid] = round(rng.uniform(0, 900), 2)
            elif spec.signed:
                out[cid] = rng.randint(-9, 9)
            else:
                out[cid] = rng.choice((0, 0, 1, 3, 12, 240, 1500))

    def row(prefix: str, parts: list[int]) -> None:
        for col, v in zip(T3_COLUMNS, [*parts, sum(parts)]):
            out[f"{prefix}.{col}"] = v

    outcomes = [prefix for *_, prefix in t3_rows(template)][2:-2]
    sums = [0] * 6
    for prefix in outcomes:
        parts = [rng.choice((0, 0, 0, 1, 2, 7, 31)) for _ in range(6)]
        row(prefix, parts)
        sums = [a + b for a, b in zip(sums, parts)]
    carried_in = [rng.randint(0, s) for s in sums]
    carried_out = [rng.choice((0, 0, 1, 3)) for _ in range(6)]
    row("p3.outcome_total", sums)
    row("p3.carried_over", carried_in)
    row("p3.carried_forward", carried_out)
    row("p3.new_received", [s - i + o for s, i, o in zip(sums, carried_in, carried_out)])
    for block in ("review", "suit_direct", "suit_after_review"):
        parts = [rng.choice((0, 0, 1, 2, 5)) for _ in range(4)]
        for col, v in zip(("upheld", "corrected", "other", "pending", "total"), [*parts, sum(parts)]):
            out[f"p4.{block}.{col}"] = v
    assert set(out) == set(cell_ids(template))
    return out


def fmt(value: int | float | None, signed: bool = False) -> str:
    if value is None:
        return ""
    if signed and value > 0:
        return f"+{value}"
    return str(value)


def _row_values(values: dict, ids: list[str]) -> list[str]:
    spec = specs(None)
    out = [fmt(values.get(cid), spec[cid].signed) for cid in ids]
    # 采购总金额 has no unit in its header: fillers write it in the cell (「308.7 万元」).
    return [f"{v} 万元" if cid == "p2.procurement.amount" and v else v for cid, v in zip(ids, out)]


def _ids(prefix: str, template: str) -> list[str]:
    return [cid for cid in cell_ids(template) if cid.rsplit(".", 1)[0] == prefix]


def _t4_ids(template: str) -> list[str]:
    return [cid for cid in cell_ids(template) if cid.startswith("p4.")]


def _wrap(parts: list[str]) -> str:
    return "\n".join(["某某局2020年政府信息公开工作年度报告", "一、总体情况", NARRATIVE, *parts,
                      "五、存在的主要问题及改进情况", "工作还存在不足。", "六、其他需要报告的事项", "无。", ""])


# ---------------------------------------------------------------- row-per-line layouts

def grid(values: dict, template: str) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Tables 二, 三, 四 as rows of cells, merged label cells left empty (as loaders render them)."""
    t2: list[list[str]] = []
    for caption, columns, rows in T2[template]:
        t2.append([caption])
        t2.append(["信息内容", *columns])
        for label, prefix in rows:
            t2.append([label, *_row_values(values, _ids(prefix, template))])
    t3 = [[T3_NOTE, "", "申请人情况"], ["", "", "自然人", "法人或其他组织", "总计"],
          ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]
    for a, b, c, prefix in t3_rows(template):
        labels = [a or "", b or "", c or ""] if (b or c) else [a or "", "", ""]
        t3.append([*labels, *_row_values(values, _ids(prefix, template))])
    t4 = [*T4_HEAD, _row_values(values, _t4_ids(template))]
    return t2, t3, t4


def tabbed(values: dict, template: str) -> str:
    t2, t3, t4 = grid(values, template)
    return _wrap(["二、主动公开政府信息情况", *map("\t".join, t2), "三、收到和处理政府信息公开申请情况",
                  *map("\t".join, t3), "四、政府信息公开行政复议、行政诉讼情况", *map("\t".join, t4)])


def piped(values: dict, template: str) -> str:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    def table(rows: list[list[str]]) -> list[str]:
        width = max(len(r) for r in rows)
        return [row(rows[0]), "|" + "---|" * width, *(row(r) for r in rows[1:])]

    t2, t3, t4 = grid(values, template)
    return _wrap(["## 二、主动公开政府信息情况", *table(t2), "## 三、收到和处理政府信息公开申请情况", *table(t3),
                  "## 四、政府信息公开行政复议、行政诉讼情况", *table(t4)])


def one_per_line(values: dict, template: str) -> str:
    """HTML flattened one cell per line, with blank lines between cells (sample 001)."""
    t2, t3, t4 = grid(values, template)
    cells = lambda rows: [c for r in rows for c in r if c]  # noqa: E731 - empty cells vanish when flattened
    return _wrap(["二、主动公开政府信息情况", *cells(t2), "三、收到和处理政府信息公开申请情况", *cells(t3),
                  "四、政府信息公开行政复议、行政诉讼情况", *cells(t4)]).replace("\n", "\n\n")


# ---------------------------------------------------------------- real tables

def html(values: dict, template: str) -> bytes:
    def tds(cells: list[str], tag: str = "td") -> str:
        return "".join(f"<{tag}>{c}</{tag}>" for c in cells)

    t2 = []
    for caption, columns, rows in T2[template]:
        t2.append(f'<tr><td colspan="{len(columns) + 1}">{caption}</td></tr>')
        t2.append(f"<tr>{tds(['信息内容', *columns])}</tr>")
        for label, prefix in rows:
            t2.append(f"<tr>{tds([label, *_row_values(values, _ids(prefix, template))])}</tr>")
    t3 = [f'<tr><td colspan="3" rowspan="3">{T3_NOTE}</td><td colspan="7">申请人情况</td></tr>',
          '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>',
          f"<tr>{tds(['商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他'])}</tr>"]
    rows = t3_rows(template)
    spans = {}
    for i, (_, b, c, _) in enumerate(rows):
        if b and c:
            j = i + 1
            while j < len(rows) and rows[j][0] is None and rows[j][1] is None:
                j += 1
            spans[b] = j - i
    for a, b, c, prefix in rows:
        vals = tds(_row_values(values, _ids(prefix, template)))
        if a and not b:
            t3.append(f'<tr><td colspan="3">{a}</td>{vals}</tr>')
        elif a:
            t3.append(f'<tr><td rowspan="{len(rows) - 3}">{a}</td><td colspan="2">{b}</td>{vals}</tr>')
        elif b and c:
            t3.append(f'<tr><td rowspan="{spans[b]}">{b}</td><td>{c}</td>{vals}</tr>')
        elif b:
            t3.append(f'<tr><td colspan="2">{b}</td>{vals}</tr>')
        else:
            t3.append(f"<tr><td>{c}</td>{vals}</tr>")
    t4 = ['<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>',
          "<tr>" + "".join(f'<td rowspan="2">{h}</td>' for h in T4_HEAD[1][:5])
          + '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>',
          f"<tr>{tds(T4_HEAD[2])}</tr>", f"<tr>{tds(_row_values(values, _t4_ids(template)))}</tr>"]
    body = "".join([
        "<html><head><title>报告</title></head><body><div class='nav'>首页</div>",
        "<h1>某某局2020年政府信息公开工作年度报告</h1><p>一、总体情况</p>", f"<p>{NARRATIVE}</p>",
        "<p>二、主动公开政府信息情况</p><table>", *t2, "</table>",
        "<p>三、收到和处理政府信息公开申请情况</p><table>", *t3, "</table>",
        "<p>四、政府信息公开行政复议、行政诉讼情况</p><table>", *t4, "</table>",
        "<p>五、存在的主要问题及改进情况</p><p>工作还存在不足。</p><p>六、其他需要报告的事项</p><p>无。</p>",
        "</body></html>",
    ])
    return body.encode("utf-8")


def docx(values: dict, template: str) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("某某局2020年政府信息公开工作年度报告")
    doc.add_paragraph("一、总体情况")
    doc.add_paragraph(NARRATIVE)
    t2, t3, t4 = grid(values, template)
    for heading, rows in (("二、主动公开政府信息情况", t2), ("三、收到和处理政府信息公开申请情况", t3),
                          ("四、政府信息公开行政复议、行政诉讼情况", t4)):
        doc.add_paragraph(heading)
        width = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        for row, r in zip(table.rows, rows):
            for cell, c in zip(row.cells, r):
                if c:
                    cell.text = c
        if heading.startswith("三"):
            label_rows = range(3, len(rows))
            for i in label_rows:  # merge the empty label cells of rows 一/二/（七）/四 across
                if rows[i][0] and not rows[i][1]:
                    table.cell(i, 0).merge(table.cell(i, 2))
    doc.add_paragraph("五、存在的主要问题及改进情况")
    doc.add_paragraph("六、其他需要报告的事项")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- PDF layout text

def pdf_layout(values: dict, template: str, wrap: int = 14) -> str:
    """Like pdfplumber layout text: space-aligned columns, long labels wrapped over lines with the
    values on the middle line, and 三、本年度办理结果 written one character per line."""
    out = ["               二、主动公开政府信息情况"]
    for caption, columns, rows in T2[template]:
        out.append(f"           {caption}")
        out.append("           信息内容          " + "      ".join(columns))
        for label, prefix in rows:
            out.append(f"           {label:<16}" + "".join(f"{v:>10}" for v in _row_values(values, _ids(prefix, template))))
    out += ["               三、收到和处理政府信息公开申请情况", "                      申请人情况",
            "           （本列数据的勾稽关系为：第一项加第二项之和，      法人或其他组织",
            "           等于第三项加第四项之和）",
            "                          自然人                                   总计",
            "                                 商业企业  科研机构  社会公益组织  法律服务机构  其他"]
    vertical = iter("三、本年度办理结果")
    for a, b, c, prefix in t3_rows(template):
        label = c or b or a
        nums = "".join(f"{v:>7}" for v in _row_values(values, _ids(prefix, template)))
        if a and not b:
            out.append(f"           {label:<28}{nums}")
            continue
        pieces = [label[i:i + wrap] for i in range(0, len(label), wrap)]
        middle = len(pieces) // 2
        for k, piece in enumerate(pieces):
            side = next(vertical, " ")
            line = f"           {side}  {piece:<{wrap + 2}}"
            out.append(line + ("      " + nums if k == middle else ""))
    out += ["               四、政府信息公开行政复议、行政诉讼情况",
            "          行政复议                 行政诉讼",
            "                               未经复议直接起诉            复议后起诉",
            "          结果  结果  其他  尚未  总计  结果  结果  其他  尚未  总计  结果  结果  其他  尚未  总计",
            "          维持  纠正  结果  审结        维持  纠正  结果  审结        维持  纠正  结果  审结",
            "          " + "  ".join(f"{v:>4}" for v in _row_values(values, _t4_ids(template)))]
    return _wrap(out)


def pdf_centred(values: dict, template: str, seed: int = 0) -> str:
    """PDF layout text where some values sit on their own line just above their label (vertically
    centred cells) and group labels (（三）不予公开 …) sit on their own line among their rows."""
    rng = random.Random(seed)
    out = ["               三、收到和处理政府信息公开申请情况", "                                 申请人情况",
           "           （本列数据的勾稽关系为：第一项加第二项之和，等",
           "           于第三项加第四项之和）",
           "                                           自然人          社会 法律      总计",
           "                                                商业  科研  公益 服务  其他"]
    rows = t3_rows(template)
    group_at = {}
    for i, (_, b, c, _) in enumerate(rows):
        if b and c:
            j = i + 1
            while j < len(rows) and rows[j][0] is None and rows[j][1] is None:
                j += 1
            group_at[(i + j) // 2] = b
    for i, (a, b, c, prefix) in enumerate(rows):
        if i in group_at:
            out.append(f"              {group_at[i]}")
        label = c or (b if not (b and c) else c) or a
        nums = "".join(f"{v:>5}" for v in _row_values(values, _ids(prefix, template)))
        if i > 1 and rng.random() < 0.4:
            out.append(" " * 44 + nums)
            out.append(f"                         {label}")
        else:
            out.append(f"                         {label:<22}{nums}")
    return "\n".join(["某某局2021年政府信息公开工作年度报告", "一、总体情况", NARRATIVE, *out,
                      "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。", ""])
