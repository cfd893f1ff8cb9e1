"""The narrative reader: figures with nouns and spans, breakdowns, enumerations, parts 五 and 六."""
from __future__ import annotations

from extractor.api import extract
from extractor.load import load
from extractor.narrative import read_narrative
from extractor.narrative.claims import breakdowns, enumerations, promised_parts
from extractor.narrative.compact import compact
from extractor.narrative.figures import mentions
from extractor.normalize import normalize
from extractor.parts import split_parts
from tests.conftest import fixture_file


def narrative_of(name: str):
    doc = load(fixture_file(name))
    return read_narrative(doc.text, {k: p.info() for k, p in split_parts(doc.text).items()}), doc.text


def view_of(text: str):
    return compact(normalize(text), 0)  # documents are normalised on loading: full-width ，→ ,


def test_compact_view_joins_pdf_layout_and_maps_spans_back():
    text = "2024 年,区政府办受理政府\n\n          信息公开申请        17 件,均已答复。"
    view = compact(text, 100)
    assert view.text == "2024年,区政府办受理政府信息公开申请17件,均已答复。"
    m = mentions(view)[0]
    assert (m.value, m.unit) == (17, "件") and m.noun == "区政府办受理政府信息公开申请"
    start, end = view.span(m.start, m.end)
    assert text[start - 100:end - 100] == "17 件"
    assert compact("a b  c\n", None).text == "a b c" and compact("x", None).span(0, 1) is None


def test_figures_leave_out_years_numbers_without_units_and_ordinals():
    view = view_of("根据国令第711号，2020年1月1日起，12345热线受理 3 件，占 50%，约 800 余条。")
    assert [(m.value, m.unit, m.approx) for m in mentions(view)] == [(3, "件", False), (50, "%", False), (800, "条", True)]


def test_part_one_figures_of_sample_000_with_nouns_and_spans():
    narrative, text = narrative_of("000_964c95048e543ea8")
    first = narrative.p1.figures[0]
    assert (first.value, first.unit, first.noun) == (36, "条", "主动公开信息")
    assert text[first.span[0]:first.span[1]] == "36 条"
    assert "信息公开指南" in [f.noun for f in narrative.p1.figures]
    assert all(text[f.span[0]:f.span[1]].startswith(str(f.value).removesuffix(".0")) for f in narrative.p1.figures)


def test_breakdowns_with_qizhong_and_with_the_next_sentence():
    view = view_of("发布信息共 369 条，其中乡镇文件 6 条，乡镇动态 308 条；在公众号发布信息共 860 余条，公告 5 件。")
    [b] = breakdowns(view, mentions(view))
    assert b.total.value == 369 and [p.value for p in b.parts] == [6, 308]
    view = view_of("累计主动公开信息 36 条，全文电子化率为 100%。在主动公开的政府信息中，指南 1 条，占 2.7%；文件 35 条，占 97.2%。")
    [b] = breakdowns(view, mentions(view))
    assert [p.value for p in b.parts] == [1, 35] and [s.value for s in b.shares] == [2.7, 97.2]
    view = view_of("复议 351 件，其中维持 72 件，纠正 279 件；诉讼 46 件，其中维持 25 件，纠正 21 件。")
    assert [(b.total.value, len(b.parts)) for b in breakdowns(view, mentions(view))] == [(351, 2), (46, 2)]


def test_enumerations_and_the_six_parts_promise():
    view = compact("主要有三种形式:一是网站。二是微博。三是短信。四是展板。\n(五)监督保障。一是", 0)
    assert [(e.announced, e.found) for e in enumerations(view)] == [(3, 4)]
    assert promised_parts(compact("本年报由总体情况等 6 个部分组成", 0)) is not None
    assert promised_parts(compact("本报告包括总体情况等部分", 0)) is None


def test_part_five_problems_and_improvements_and_part_six_fee_statement():
    narrative, _ = narrative_of("003_589bf4f08d70f012")
    assert len(narrative.p5.problems) == 3 and narrative.p5.problems[0].startswith("一是政府信息公开组织建设")
    assert len(narrative.p5.improvements) == 3 and narrative.p5.improvements[0].startswith("一是进一步规范主动公开")
    narrative, _ = narrative_of("004_a0c7fabfdf456585")
    assert "信息处理费" in narrative.p6.fee_statement
    narrative, _ = narrative_of("hongze-2024")
    assert narrative.p6.fee_statement.endswith("信息处理费0元。")
    assert len(narrative.p5.improvements) == 3


def test_extract_fills_the_narrative():
    result = extract(fixture_file("004_a0c7fabfdf456585"))
    assert result.narrative.p1.figures and result.narrative.p1.figures[0].value == 369
    assert result.narrative.p5.text and result.narrative.p6.text


def test_every_character_of_a_compact_view_maps_back_to_its_own_in_order():
    import random
    rng = random.Random(3)
    alphabet = ["年", "报", "。", ",", "a", "B", "7", " ", "  ", "\n", "\n\n", "\t", ":", "件"]
    for _ in range(500):
        chunk = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        view = compact(chunk, 10)
        origins = [view.origin(pos) for pos in range(len(view.text))]
        assert origins == sorted(set(origins))  # one original character each, in order
        for ch, at in zip(view.text, origins):
            assert chunk[at] == ch or (ch == " " and chunk[at].isspace()), (chunk, view.text)
        if view.text:
            assert view.span(0, len(view.text)) == (10 + origins[0], 10 + origins[-1] + 1)
