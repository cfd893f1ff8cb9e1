"""Template-version detection (format.md §3.5): ``"2019"``, ``"2021"`` or ``None``."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemas import Finding

_MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                 "其他对外管理服务事项", "第二十条第(九)项", "政府集中采购", "采购总金额")
_MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "行政规范性文件", "本年处理决定数量",
                 "本年收费金额", "逾期不补正", "收费通知")
_IN_PROSE_TOO = frozenset(("其他对外管理服务事项", "政府集中采购", "行政规范性文件", "逾期不补正", "收费通知"))
_SINGLE_OTHER_ROW = re.compile(r"\(六\)其他处理(?:(?!逾期|收费通知|缴纳).){0,120}?\(七\)总计", re.S)


@dataclass(slots=True)
class Detection:
    template: str | None
    markers_2019: list[str] = field(default_factory=list)
    markers_2021: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def detect_template(text: str, year: int | None) -> Detection:
    squashed = "".join(text.split())  # whitespace removed: what re.sub(r"\s+", "", text) gives, 5× faster
    m19 = [m for m in _MARKERS_2019 if m in squashed and (m not in _IN_PROSE_TOO or _in_table_line(text, m))]
    m21 = [m for m in _MARKERS_2021 if m in squashed and (m not in _IN_PROSE_TOO or _in_table_line(text, m))]
    if _SINGLE_OTHER_ROW.search(squashed):
        m19.append("(六)其他处理 单行")
    det = Detection(None, m19, m21)
    if m19 or m21:
        det.template = "2021" if len(m21) > len(m19) else "2019" if len(m19) > len(m21) else _by_year(year)
    elif year is not None:
        det.template = _by_year(year)
        det.findings.append(Finding.build(
            rule="VERSION", check="template.by_year", severity="info",
            message=f"文中没有表格版式标记：按报告年度 {year} 推定为 {det.template} 版"
                    f"（{'2020 年及以前用 2019 版' if det.template == '2019' else '2021 年起用 2021 版'}）",
        ))
        return det
    if m19 and m21:
        det.findings.append(Finding.build(
            rule="VERSION", check="template.mixed", severity="warning",
            message=f"表格混用两版格式标记：2019 版 {'、'.join(m19)}；2021 版 {'、'.join(m21)}；按 {det.template} 版读取",
        ))
    if det.template and year:
        if year >= 2021 and det.template == "2019":
            det.findings.append(Finding.build(
                rule="VERSION", check="template.year", severity="error",
                message=f"{year} 年度报告应使用 2021 版格式，却使用了 2019（试行）版表格",
            ))
        elif year <= 2020 and det.template == "2021":
            det.findings.append(Finding.build(
                rule="VERSION", check="template.year", severity="warning",
                message=f"{year} 年度报告使用了 2021 版格式（2021 年 9 月才印发）：年度识别有误或为重新发布的报告",
            ))
    return det


def _in_table_line(text: str, marker: str) -> bool:
    """Whether a word that prose uses too (「主动公开行政处罚、政府集中采购…情况。」) stands on a
    line that is not a sentence; a marker written with spaces inside is taken as found."""
    at = text.find(marker)
    if at < 0:
        return True
    while at >= 0:
        start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        if "。" not in text[start:end if end >= 0 else len(text)]:
            return True
        at = text.find(marker, at + len(marker))
    return False


def _by_year(year: int | None) -> str | None:
    if year is None:
        return None
    return "2021" if year >= 2021 else "2019"
