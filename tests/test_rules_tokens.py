"""The tokeniser's line kinds and its per-document memory of label lines (``seen``)."""
from __future__ import annotations

from dataclasses import asdict

from extractor.readers.rules import tokens
from extractor.readers.rules.tokens import BLANK, EMPTY, NUM, PIPE, TABLE


def _dump(lines: list[tokens.Line]) -> list:
    return [(ln.idx, ln.start, ln.end, [asdict(t) for t in ln.texts], ln.garbage, ln.header,
             None if ln.run is None else (ln.run.line, ln.run.last, [asdict(t) for t in ln.run.slots], ln.run.lead,
                                          ln.run.labelled, ln.run.grid, ln.run.x0, ln.run.trail, ln.run.cut))
            for ln in lines]


def _read(text: str, tables: bool = False) -> list[tokens.Line]:
    return tokens.lines(text, 0, len(text), tables)


def test_page_marks_rules_and_blank_lines_are_skipped_only_when_short():
    short = "第 4 页 共 12 页"
    long = "第 4 页" + " " * 20 + "共 12 页"  # 24 characters or more: not taken for a page mark
    out = _read(f"规章\t1\n\n   \n- 4 -\n{short}\n|---|---|\n{long}\n")
    assert [ln.start for ln in out] == [0, len("规章\t1\n\n   \n- 4 -\n" + short + "\n|---|---|\n")]


def test_label_lines_values_and_blanks():
    text = "行政许可\t10\t/\t-3\n(一)予以公开\t\t5\n增加2\n无\n总计\n第二十条\t1\n规章 | 2 |"
    out = _read(text)
    row, group, signed, blank, label, header, pipe = out
    assert [t.label for t in row.texts] == ["行政许可"] and [t.kind for t in row.run.slots] == [NUM, BLANK, NUM]
    assert row.run.values() == [10, -3] and row.run.x0 == -1
    assert group.texts[0].raw == "(一)予以公开" and group.run.lead == 1 and group.run.values() == [5]
    assert signed.run.values() == [2] and blank.run is None  # 「无」 joins the run of the line before
    assert [t.kind for t in signed.run.slots] == [NUM, BLANK] and signed.run.last == blank.idx
    assert label.texts[0].label == "总计" and label.run is None
    assert header.header and header.run is None  # a header row's numbers are not values
    assert pipe.run.grid == PIPE and pipe.run.values() == [2]


def test_one_value_lines_join_and_empty_cells_stay_slots():
    out = _read("自然人\n0\n1\n2\n法人\t\t3\t\t", tables=True)
    first = out[1].run
    assert first.values() == [0, 1, 2] and (first.line, first.last) == (1, 3)
    assert out[2].run is None and out[3].run is None
    row = out[4].run
    assert row.grid == TABLE and row.lead == 1 and [t.kind for t in row.slots] == [NUM, EMPTY, EMPTY]
    assert row.trail == 2


def test_glued_value_is_split_off_the_label():
    (line,) = _read("行政许可10")
    assert line.texts[0].raw == "行政许可" and line.run.slots[0].glued and line.run.values() == [10]


def test_seen_lines_are_built_again_the_same_and_independent():
    text = ("信息内容\t本年新制作数量\n规章\t1\t2\t3\n行政许可10\n(一) 予以公开\n0\n1\n"
            "三、本年度办理结果\t(一) 予以公开\t0\t0\t0\n前言。\n总计 | 4 | 5 |\n")
    cut = text.index("行政许可")
    seen: tokens.Seen = {}
    for start, end in ((0, cut), (cut, len(text)), (0, len(text)), (0, len(text))):
        again = tokens.lines(text, start, end, False, seen)
        assert _dump(again) == _dump(tokens.lines(text, start, end, False))
    first, second = tokens.lines(text, 0, len(text), False, seen), tokens.lines(text, 0, len(text), False, seen)
    first[1].run.cut = True  # what the reader does to a region's last run
    first[1].run.slots.append(first[2].run.slots[0])
    assert not second[1].run.cut and len(second[1].run.slots) == 3
    assert first[1].run is not second[1].run and first[1].texts is not second[1].texts
