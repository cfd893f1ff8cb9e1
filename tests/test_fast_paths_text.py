"""The loading fast paths give what the plain step-by-step rules give (issue 21).

``normalize`` skips a step when its one scan of the text found none of the characters the
step changes, and ``reflow`` looks only at the lines that can change. Each is compared here
with the plain sequence, written out, on random texts built from the characters and labels
that matter."""
from __future__ import annotations

import random
import re
import unicodedata

from extractor import normalize as N
from extractor import reflow as R
from extractor.parts import NUMERALS
from extractor.t2s import to_simplified


def plain_normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = N._CONTROLS.sub("", text)
    text = unicodedata.normalize("NFKC", N._common_compat(text))
    text = to_simplified(text)
    if "(" in text:
        text = N._strip_glosses(text)
    for glyph, simple in N._GLYPHS:
        text = text.replace(glyph, simple)
    text = N._ZERO_WIDTH.sub("", text)
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n") + "\n"


_PIECES = ["年", "报", "公开", "，", "（", "）", "(bào)", "( zhèng )", "Ａ", "１", "\u3000", "\xa0", "\u2002", " ", "\t",
           "\n", "\r\n", "\r", "\x07", "\x1b", "\x85", "\x0c", "\u200b", "\u2060", "\ufeff", "増", "減", "報", "於", "乾",
           "國", "\U00020000", "\U0002F800", "\uf900", "⾧", "①", "e\u0301", "\u0338", "=", "ﬁ"]


def test_normalize_equals_the_plain_sequence_of_steps():
    rng = random.Random(21)
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40)))
        assert N.normalize(text) == plain_normalize(text), ascii(text)
    traditional = "國家報告於開發乾燥" * 3  # enough traditional characters for a traditional text
    assert N.normalize(traditional + "\uf900") == plain_normalize(traditional + "\uf900")


def plain_reflow(text: str) -> str:
    lines = text.split("\n")
    at_start = set()
    for m in re.finditer(rf"^{R._NUMBERED}", text, re.M):
        if m.group(1) not in at_start:
            end = text.find("\n", m.start())
            if R.is_heading(text[m.start():end if end >= 0 else len(text)], m.group(1)):
                at_start.add(m.group(1))
    missing = [n for n in NUMERALS if n not in at_start]
    for i, line in enumerate(lines):
        if len(line) > R._SHORT or (missing and re.search(f"[{''.join(missing)}]", line)):
            lines[i] = "\n".join(R._split_rows(piece) for piece in R._split_headings(line, missing))
    return "\n".join(lines)


_LINE_PIECES = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
                "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "一、本年新收", "二、上年结转", "(一)予以公开", "(七)总计",
                "1.属于国家秘密", "3.危及", "规章", "行政许可", "规范性文件", "12", "0", " ", "\t", "|", "我镇", "申请人", "。",
                "第三、", "统一、", "数量", "一是", "四、", "三 、 依申请"]


def test_reflow_equals_the_plain_line_by_line_rule():
    rng = random.Random(22)
    changed = 0
    for _ in range(2000):
        lines = ["".join(rng.choice(_LINE_PIECES) for _ in range(rng.choice((1, 2, 5, 12, 25)))) for _ in range(rng.randint(1, 8))]
        if rng.random() < 0.5:  # every part headed at a line start: only flattened rows are cut
            lines = [*_LINE_PIECES[:6], *lines]
        text = "\n".join(lines)
        out = R.reflow(text)
        assert out == plain_reflow(text), text
        changed += out != text
    assert changed > 500  # the rules did cut most of them


def plain_compact(chunk: str) -> tuple[str, list[int]]:
    """The view run by run, and where each of its characters is in ``chunk``."""
    out, where, last, gap_from = [], [], "", 0
    for m in re.finditer(r"\S+", chunk):
        start, end = m.span()
        if out and start > gap_from:
            newline = chunk.rfind("\n", gap_from, start)
            if newline >= 0 and last in "。!?:":
                out.append("\n")
                where.append(newline)
            elif last.isascii() and last.isalnum() and chunk[start].isascii() and chunk[start].isalnum():
                out.append(" ")
                where.append(start - 1)
        out.append(m.group())
        where.extend(range(start, end))
        last, gap_from = chunk[end - 1], end
    return "".join(out), where


def test_compact_equals_the_plain_run_by_run_view():
    from extractor.narrative.compact import compact

    rng = random.Random(23)
    pieces = ["年", "。", "!", ":", "?", " ", "\n", "\t", "a", "Z", "9", "\u3000", "\xa0", "\u2028", "，", "x1", " \n ",
              "\n\n", "\x00", "\x01", "\x1c", "é", "٣"]
    for _ in range(4000):
        chunk = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        view = compact(chunk, 7)
        text, where = plain_compact(chunk)
        assert view.text == text, ascii(chunk)
        assert [view.origin(i) for i in range(len(text))] == where, ascii(chunk)
        assert all(view.span(i, i + 1) == (7 + where[i], 8 + where[i]) for i in range(len(text)))


def test_a_figures_clause_and_sentence_are_those_of_a_walk_to_the_stops():
    from extractor.narrative.compact import compact
    from extractor.narrative.figures import CLAUSE_BREAK, SENTENCE_BREAK, back, forward, mentions

    rng = random.Random(24)
    pieces = ["共", "受理", "申请", "12", "3.5", "件", "条", "%", "余", "第", "。", ",", ";", "、", "(", ")", "!", "\n", "其中",
              "2020年", "占"]
    seen = 0
    for _ in range(3000):
        view = compact("".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))))
        for m in mentions(view):
            seen += 1
            assert m.clause == (back(view.text, m.start, CLAUSE_BREAK), forward(view.text, m.end, CLAUSE_BREAK))
            assert m.sentence == (back(view.text, m.start, SENTENCE_BREAK), forward(view.text, m.end, SENTENCE_BREAK))
    assert seen > 500


def test_a_part_has_content_as_any_of_its_lines_says():
    from extractor import parts as P

    rng = random.Random(25)
    lines = ["网站地图", "打印 关闭", "2023年5月6日", "某某县人民政府", "x", "", "  ", "本机关全年主动公开信息 12 条。", "12",
             "ICP备案", "联系我们 " * 30, "版权所有 " * 60, "关于" * 150 + "人民政府"]
    for _ in range(3000):
        text = "\n".join(rng.choice(lines) for _ in range(rng.randint(0, 60)))
        start, end = rng.randint(0, len(text)), len(text)
        plain = any(len(ln.strip()) >= 2 and not P._CHROME.search(ln.strip()) for ln in text[start:end].splitlines())
        assert P._has_content(text, start, end) == plain, text[start:end]
    signature = "网站地图\n" + "关于" * 300 + "人民政府"  # chrome as a whole line, not as its first 400 characters
    assert not P._has_content(signature, 0, len(signature))


def test_the_date_line_pattern_finds_what_a_line_start_pattern_finds():
    from extractor.meta import _DATE_LINE

    line_start = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", re.M)
    rng = random.Random(26)
    pieces = ["2023", "年", "12", "月", "5", "日", "\n", " ", "x", "\n\n", "2023年1月2日"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert _DATE_LINE.findall("\n" + text) == line_start.findall(text), text


def test_load_text_reads_the_text_as_its_utf8_bytes_are_read():
    from extractor.errors import InputError
    from extractor.load import load_bytes, load_text

    def read(load, source):
        try:
            return load(source).text
        except InputError as e:
            return type(e)

    rng = random.Random(27)
    pieces = ["政府信息公开", "年度报告", "\ufeff", "\x00", "\n", "é", "\U0001F600", "\ud800", " ", "一、总体情况"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert read(load_text, text) == read(load_bytes, text.encode("utf-8", "surrogatepass")), ascii(text)


def test_item_marks_are_those_of_the_look_behind_pattern():
    from extractor.narrative import _item_starts

    plain = re.compile(r"[一二三四五六七八九十]是|\([一二三四五六七八九十]\)|(?<![\d.])\d{1,2}\.(?!\d)")
    rng = random.Random(28)
    pieces = ["一", "是", "(", "三", ")", "1", "2", "12", ".", "。", "x", "十是", "(十)", "3.5", "٣", "..", "²"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert _item_starts(text) == [m.start() for m in plain.finditer(text)], text


def test_a_nouns_counting_words_go_as_the_patterns_say():
    from extractor.narrative.figures import _LEAD, _TAIL, _noun

    rng = random.Random(29)
    pieces = ["2020年", "3月", "5日", "在", "共计", "共", "累计", "其中", "本年度", "年度", "达到", "达", "为", "约", "近", "已",
              "信息", "申请", "公开", "٣", "1"]
    for _ in range(20000):
        words = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert _noun(words) == _TAIL.sub("", _LEAD.sub("", words)), words
