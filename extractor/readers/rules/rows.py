"""The rows of tables 二 and 三 per template: their cell ids and the key phrases that find them.

Rows are matched on short, distinctive key phrases (format.md §2–3), not on the full label:
real reports wrap labels over lines, garble them in OCR (「其他法律行政止公开」), abbreviate
them (「申请人逾期未缴费…」) and write them in traditional characters. Cell ids and official
labels come from the public registry (schemas.cells); only the key phrases live here.
"""
from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from extractor.lazy_re import lazy_compile
from extractor.normalize import squash
from extractor.readers.rules.tokens import plain
from schemas import cell_ids, specs

# Key phrases (patterns, any of which finds the row), matched on squashed label text (no
# whitespace) after mapping traditional forms.
_KEYS: dict[str, tuple[str, ...]] = {
    "p2.regulations": ("规章",),
    "p2.normative_documents": ("规范性文件",),
    "p2.licensing": ("行政许可",),
    "p2.other_services": ("对外管理服务", "其他对外管理"),
    "p2.penalty": ("行政处罚",),
    "p2.coercion": ("行政强制",),
    "p2.fees": ("事业性收费", "事业型收费", "行政事业收费"),
    "p2.procurement": ("集中采购",),
    "p3.new_received": ("本年新收", "新收政府信息"),
    "p3.carried_over": ("上年结转", "上年度结转", "上年度转接", "上年转接"),
    "p3.disclosed": ("予以公开",),
    "p3.partly_disclosed": ("部分公开",),
    "p3.withheld.state_secret": ("国家秘密",),
    "p3.withheld.prohibited_by_law": ("法律行政法规", "其他法律", "禁止公开", "行政止公开"),
    "p3.withheld.security_stability": ("三安全", "一稳定"),
    "p3.withheld.third_party": ("第三方",),
    "p3.withheld.internal_affairs": ("内部事务",),
    "p3.withheld.process_info": ("过程性",),
    "p3.withheld.enforcement_file": ("执法案卷",),
    "p3.withheld.inquiry": ("行政查询", "查询事项"),
    "p3.unavailable.not_held": ("不掌握",),
    "p3.unavailable.needs_creation": ("另行制作", "没有现成"),
    "p3.unavailable.unclear": ("仍不明确", "补正后"),
    "p3.not_handled.petition": ("信访", "举报投诉"),
    "p3.not_handled.duplicate": ("重复申请",),
    "p3.not_handled.publication": ("出版物",),
    "p3.not_handled.excessive": ("大量反复", "无正当理由大量"),
    "p3.not_handled.confirmation": ("确认或重新", "重新出具", "已获取信息"),
    "p3.other": ("其他处理",),
    "p3.other.no_correction": ("不补正", "逾期不补"),
    "p3.other.no_fee": ("收费通知", "缴纳费用", "未缴费", "未缴纳"),
    "p3.other.other": ("3[.、)]?其他(?!处理|法律|对外|结果|组织)",),
    "p3.outcome_total": (r"\(七\)总计", "七[)、.]总计", r"\(七\)合计"),
    "p3.carried_forward": ("结转下年", "下年度继续", "继续办理"),
}


def key_phrase(row: str) -> str | None:
    """The key-phrase pattern of a row, by cell-id prefix (``p3.withheld.state_secret``);
    ``None`` for 表四's single row. Shared with the LLM reader's grounding."""
    keys = _KEYS.get(row)
    return None if keys is None else "|".join(keys)


# Rows whose only label may be a bare word that also names a column (「其他」, 「总计」): such a
# match counts only when a real row was found before it.
_WEAK_SOURCES = {
    "p3.other.other": r"(?:\(?3[)）.、]?)?其他",
    "p3.outcome_total": r"(?:\(?七[)、.]?)?(?:总计|合计)",
}
_WEAK = {key: lazy_compile(source) for key, source in _WEAK_SOURCES.items()}
# Group labels that carry no cells; some reports give them subtotal values, which are ignored.
_GROUPS = {"不予公开": "（三）不予公开", "无法提供": "（四）无法提供", "不予处理": "（五）不予处理"}
_GROUP_2021 = {"其他处理": "（六）其他处理"}


class RowDef(NamedTuple):
    key: str  # cell-id prefix, or the group name for group labels
    table: str  # 二 or 三
    ids: tuple[str, ...]  # cell ids in column order; empty for group labels
    label: str  # the official label (for notes)
    full: str  # the official label, squashed: wrapped fragments are substrings of it
    weak: re.Pattern | None = None
    # Derived from the above once per template (``_row``), as the reader asks them of every
    # pairing of a label and a run:
    width: int = 7  # cells: a group label's subtotals span the 7 columns
    group: bool = False  # a group label (no cells)
    sums: bool = False  # the row's last value is the total of the others (表三 rows)


def _row(key: str, table: str, ids: tuple[str, ...], label: str, weak: re.Pattern | None = None) -> RowDef:
    return RowDef(key, table, ids, label, plain(squash(label)), weak, len(ids) if ids else 7, not ids,
                  table == "三" and bool(ids))


class Layout(NamedTuple):
    """The rows of one template, and one combined pattern per table to find their key phrases."""

    template: str
    table2: tuple[RowDef, ...]
    table3: tuple[RowDef, ...]
    groups: tuple[RowDef, ...]
    pattern2: re.Pattern
    pattern3: re.Pattern  # rows and group labels of 表三; group names are g0, g1, …
    table4: tuple[str, ...]  # the cell ids of 表四's single row
    # The same searches as pattern2 and pattern3, laid out for the regex engine's fast scan (see
    # ``_scanner``), and what each of their group numbers (``Match.lastindex``) found: 表二's row;
    # 表三's (which row or group label, by number; a row, not a group label; its definition).
    scan2: re.Pattern | None = None
    found2: tuple[RowDef | None, ...] = ()
    scan3: re.Pattern | None = None
    found3: tuple[tuple[int, bool, RowDef] | None, ...] = ()
    weak3: re.Pattern | None = None  # the weak rows' bare words, whole label; group names are w + index in table3


@cache
def layout(template: str) -> Layout:
    rows: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for cid, spec in specs(template).items():
        if spec.part == "四":
            continue
        prefix = cid.rsplit(".", 1)[0]
        rows.setdefault(prefix, []).append(cid)
        labels[prefix] = spec.row
    defs = {p: _row(p, "二" if p.startswith("p2") else "三", tuple(ids), labels[p], _WEAK.get(p)) for p, ids in rows.items()}
    groups = {**_GROUPS, **(_GROUP_2021 if template == "2021" else {})}
    group_defs = tuple(_row(name, "三", (), label) for name, label in groups.items())
    t2 = tuple(d for d in defs.values() if d.table == "二")
    t3 = tuple(d for d in defs.values() if d.table == "三")
    keys2 = {f"r{i}": _KEYS[d.key] for i, d in enumerate(t2)}
    keys3 = {**{f"r{i}": _KEYS[d.key] for i, d in enumerate(t3)}, **{f"g{i}": (name,) for i, name in enumerate(groups)}}
    pattern2, pattern3 = _combined(keys2), _combined(keys3)
    scan2, names2 = _scanner(keys2, pattern2)
    scan3, names3 = _scanner(keys3, pattern3)
    found2 = tuple(None if n is None else t2[int(n[1:])] for n in names2)
    number3 = {name: i for i, name in enumerate(keys3)}
    found3 = tuple(None if n is None else (number3[n], n[0] == "r", (t3 if n[0] == "r" else group_defs)[int(n[1:])])
                   for n in names3)
    weak_words = [f"(?P<w{i}>{_WEAK_SOURCES[d.key]})" for i, d in enumerate(t3) if d.key in _WEAK_SOURCES]
    weak3 = lazy_compile("|".join(weak_words)) if weak_words else None
    table4 = tuple(c for c in cell_ids(template) if c.startswith("p4."))
    return Layout(template, t2, t3, group_defs, pattern2, pattern3, table4, scan2, found2, scan3, found3, weak3)


def _combined(keys: dict[str, tuple[str, ...]]) -> re.Pattern:
    """One pattern for several rows' key phrases, a named group per row.

    A lookahead on the characters key phrases start with lets a search pass, at one test per
    character, the many places where no phrase starts, instead of trying every phrase there;
    it matches exactly what the phrases alone match. Compiled at first use: the reader searches
    with ``_scanner``'s form, and only the glued-row decoder (a row left missing) needs this one.
    """
    body = "|".join(f"(?P<{name}>{'|'.join(alts)})" for name, alts in keys.items())
    firsts = {_first_char(p) for alts in keys.values() for p in alts}
    if None in firsts:
        return lazy_compile(body)
    return lazy_compile(f"(?=[{re.escape(''.join(sorted(firsts)))}])(?:{body})")  # type: ignore[arg-type]  # None in firsts returned above


_GROUP_OPEN = lazy_compile(r"(?<!\\)\((?!\?)")  # a capturing group's opening (or a bracket in a class: then no scanner)


def _scanner(keys: dict[str, tuple[str, ...]], combined: re.Pattern) -> tuple[re.Pattern, tuple[str | None, ...]]:
    """The search ``_combined`` makes, as one alternative per first character: 「本(?:年新收()|…)|新(?:收政府信息())|…」,
    each key phrase ending in an empty group, so ``Match.lastindex`` tells which phrase matched;
    with the group numbers' key names.

    Every alternative then starts with a literal character, so the regex engine skips the
    places where no phrase starts with a test of the character against one set (a lookahead
    costs it a full match attempt at every place), and tries only the phrases starting with
    the character there. Phrases starting with one character keep their order, and phrases
    starting with others cannot match there: the first to match is the one ``combined`` finds.
    Phrases without a literal first character, or with groups of their own: ``combined`` itself.
    """
    by_first: dict[str, list[tuple[str, str]]] = {}
    for name, alts in keys.items():
        for alt in alts:
            first = _first_char(alt)
            rest = alt[2:] if alt.startswith("\\") else alt[1:]
            if first is None or rest[:1] == "+" or _GROUP_OPEN.search(alt):
                names_of: list[str | None] = [None] * (combined.groups + 1)
                for key, number in combined.groupindex.items():
                    names_of[number] = key
                return combined, tuple(names_of)
            by_first.setdefault(first, []).append((rest, name))
    names: list[str | None] = [None]
    branches = []
    for first, phrases in by_first.items():
        branches.append(f"{re.escape(first)}(?:{'|'.join(f'{rest}()' for rest, _ in phrases)})")
        names.extend(name for _, name in phrases)
    return re.compile("|".join(branches)), tuple(names)


def _first_char(pattern: str) -> str | None:
    """The character every match of ``pattern`` starts with, when it starts with a literal one
    (「本年新收」, 「\\(七\\)总计」, 「3[.、)]?其他」); ``None`` otherwise."""
    if pattern.startswith("\\"):
        first, rest = pattern[1:2], pattern[2:]
        if not first or first.isalnum() or first == "_":
            return None  # 「\d」, 「\b」: a class or an assertion, not a character
    else:
        first, rest = pattern[:1], pattern[1:]
        if not first or first in ".^$*+?{}[]|()":
            return None
    return None if rest[:1] in ("?", "*", "{") else first
