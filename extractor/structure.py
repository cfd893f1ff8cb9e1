"""Structural findings about the six parts (missing, empty)."""
from __future__ import annotations

from operator import methodcaller

from extractor.parts import NUMERALS, PART_KEYS, Part
from schemas import Cell, Finding

_NAMES = dict(zip(PART_KEYS, ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                              "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")))


def part_findings(parts: dict[str, Part], cells: dict[str, Cell]) -> list[Finding]:
    """Missing and empty parts. A missing table part names its cells when none of them was
    read anywhere else (sample 004's 表四 sits under the 表三 heading: not named)."""
    out = []
    found = [i for i, key in enumerate(PART_KEYS) if parts[key].status != "missing"]
    for i, (numeral, key) in enumerate(zip(NUMERALS, PART_KEYS)):
        part = parts[key]
        if part.status == "missing":
            table = list(filter(methodcaller("startswith", f"{key}."), cells))  # a C loop over the cells
            lost = table if table and all(cells[c].value is None for c in table) else []
            # Only what was seen: the heading was not found (the part may still be there, unheaded).
            why = f"没有找到第{numeral}部分「{numeral}、{_NAMES[key]}」的标题"
            if found and i > found[-1]:
                why += f"（第{NUMERALS[found[-1]]}部分之后没有再找到部分标题）"
            out.append(Finding.build(rule="STRUCTURE", check="part.missing", severity="warning", cells=lost,
                                     message=why + (f"：其表格的 {len(lost)} 个单元格均记为缺失" if lost else "")))
        elif part.status == "empty":
            out.append(Finding.build(rule="STRUCTURE", check="part.empty", severity="warning",
                                     message=f"第{numeral}部分「{part.heading}」没有内容", span=(part.start, part.end)))
    return out
