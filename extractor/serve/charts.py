"""Charts of a batch as plain SVG strings, drawn here on the server (no script, no library).

Every label comes from documents, so every label is escaped. A missing value is never drawn
as zero: a bar built from incomplete figures says so in its label.
"""
from __future__ import annotations

from html import escape

from extractor.batch.summary import HARD_RULES

FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, WenQuanYi Zen Hei, sans-serif" font-size="12"'
COLOURS = {"holding": "#3a8f4b", "broken": "#c8423b", "not_checkable": "#b8b8b8"}
RULE_NAMES = {"H1": "表三 收+转=办+结", "H2": "表三 办理结果之和", "H3": "表三 行总计", "H4": "表四 各项总计",
              "H5": "数值类型", "H6": "表格形状"}
# The outcomes of 表三, each the sum of its rows' 总计 column (cell ids by prefix).
OUTCOMES = (("予以公开", ("p3.disclosed.",)), ("部分公开", ("p3.partly_disclosed.",)),
            ("不予公开", ("p3.withheld.",)), ("无法提供", ("p3.unavailable.",)),
            ("不予处理", ("p3.not_handled.",)), ("其他处理", ("p3.other.",)))
OUTCOME_COLOURS = ("#2f6db5", "#6fa8dc", "#c8423b", "#e69138", "#8e7cc3", "#999999")
RECEIVED = "p3.new_received.total"


def rule_rates(summary: dict) -> str:
    """One bar per hard rule: documents where it holds, is broken, cannot be checked."""
    rules = summary.get("hard_rules") or {}
    width, label_w, bar_w, row_h = 640, 150, 330, 26
    height = 40 + row_h * len(HARD_RULES) + 30
    out = [_open(width, height, "勾稽规则通过率"), _text(10, 20, "勾稽规则（H1–H6）：每份报告是否成立", bold=True)]
    for i, rule in enumerate(HARD_RULES):
        counts = rules.get(rule) or {}
        y = 34 + i * row_h
        total = sum(counts.get(k, 0) for k in COLOURS)
        out.append(_text(10, y + 14, f"{rule} {RULE_NAMES.get(rule, '')}"))
        x = label_w
        for kind, colour in COLOURS.items():
            n = counts.get(kind, 0)
            if total and n:
                w = bar_w * n / total
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" fill="{colour}">'
                           f'<title>{rule} {_KIND_NAMES[kind]} {n}</title></rect>')
                x += w
        checked = counts.get("holding", 0) + counts.get("broken", 0)
        rate = f"{100 * counts.get('holding', 0) / checked:.0f}% 通过" if checked else "无法核验"
        out.append(_text(label_w + bar_w + 10, y + 14, f"{rate}（{counts.get('holding', 0)}✓ "
                                                         f"{counts.get('broken', 0)}✗ {counts.get('not_checkable', 0)}?）"))
    out.append(_legend(10, height - 12, [(_KIND_NAMES[k], c) for k, c in COLOURS.items()]))
    out.append("</svg>")
    return "\n".join(out)


_KIND_NAMES = {"holding": "成立", "broken": "不成立", "not_checkable": "无法核验（缺数）"}


def application_rows(results: list[dict]) -> list[dict]:
    """Per report: issuer, year, applications received and the outcomes (None where unknown)."""
    rows = []
    for r in results:
        cells = {cid: c.get("value") for cid, c in (r.get("cells") or {}).items()}
        outcomes, incomplete = {}, False
        for name, prefixes in OUTCOMES:
            values = [v for cid, v in cells.items() if cid.startswith(prefixes) and cid.endswith(".total")]
            known = [v for v in values if v is not None]
            incomplete |= len(known) < len(values)
            outcomes[name] = sum(known) if known else None
        meta = r.get("meta") or {}
        rows.append({"issuer": meta.get("issuer") or "（单位未识别）", "year": meta.get("year"),
                     "received": cells.get(RECEIVED), "outcomes": outcomes, "incomplete": incomplete})
    return sorted(rows, key=lambda row: (row["issuer"], row["year"] or 0))


def applications(rows: list[dict], limit: int = 40) -> str:
    """Applications received and their outcomes, one bar per issuer and year."""
    rows = rows[:limit]
    width, label_w, bar_w, row_h = 880, 230, 380, 24
    height = 40 + row_h * max(len(rows), 1) + 34
    top = max([r["received"] or 0 for r in rows] + [sum(v or 0 for v in r["outcomes"].values()) for r in rows] + [1])
    out = [_open(width, height, "依申请公开：收到申请与办理结果"),
           _text(10, 20, "依申请公开：本年新收申请（▏）与办理结果，按单位和年度", bold=True)]
    if not rows:
        out.append(_text(10, 50, "没有可画的报告"))
    for i, r in enumerate(rows):
        y = 34 + i * row_h
        label = f"{r['issuer'][:16]} {r['year'] or '年度未识别'}"
        out.append(_text(10, y + 13, label))
        x = label_w
        for (name, _), colour in zip(OUTCOMES, OUTCOME_COLOURS):
            v = r["outcomes"][name]
            if v:
                w = bar_w * v / top
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="16" fill="{colour}">'
                           f'<title>{escape(label)} {name} {v:g}</title></rect>')
                x += w
        if r["received"] is not None:
            rx = label_w + bar_w * r["received"] / top
            out.append(f'<line x1="{rx:.1f}" y1="{y - 2}" x2="{rx:.1f}" y2="{y + 18}" stroke="#000" stroke-width="2">'
                       f'<title>本年新收 {r["received"]:g}</title></line>')
        note = f"收到 {r['received']:g}" if r["received"] is not None else "收到 未读出"
        out.append(_text(label_w + bar_w + 10, y + 13, note + ("（结果部分缺失）" if r["incomplete"] else "")))
    out.append(_legend(10, height - 12, [(name, c) for (name, _), c in zip(OUTCOMES, OUTCOME_COLOURS)]))
    out.append("</svg>")
    return "\n".join(out)


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" {FONT}>'
            f'<title>{escape(title)}</title><rect width="100%" height="100%" fill="#fff"/>')


def _text(x: float, y: float, text: str, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{x}" y="{y}"{weight}>{escape(text)}</text>'


def _legend(x: float, y: float, items: list[tuple[str, str]]) -> str:
    parts = []
    for name, colour in items:
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 16, y, name))
        x += 24 + 13 * len(name)
    return "".join(parts)
