"""Surface dresses: how mirror sites and scrapers change a finished report's characters.

A dress never changes the truth: the normaliser and the loader's content sniffing must undo
it exactly, so a dressed report gives the same cells as the plain one.

- ``traditional``: every simplified character that has a traditional form gets it (the
  normaliser's OpenCC character map, reversed), as on traditional-character mirror sites;
- ``glosses``: pinyin with tone marks in parentheses after some characters, inside words
  (「報(bào)告」), as annotating mirror sites print them;
- ``html_fragment``: the web page's body only, no ``<!DOCTYPE>``/``<html>`` (a copied page);
- ``js_string``: the page inside a JavaScript string literal, with ``\\"`` ``\\n`` ``\\uXXXX``;
- ``entities``: the page entity-escaped (``&lt;table&gt;…``), as a page that shows its source.

The three markup dresses apply to the ``html`` layout only; documents then keep the ``.txt``
suffix a scraper gives them.
"""
from __future__ import annotations

import html as htmlmod
import random
import re

from extractor._t2s_table import SIMPLIFIED, TRADITIONAL

# How often a randomly drawn document wears each dress (drawn from a stream of their own, so
# the documents of a seed stay what they were without dresses).
DRESSES = {"traditional": 0.1, "glosses": 0.06, "html_fragment": 0.15, "js_string": 0.15, "entities": 0.1}
MARKUP = ("html_fragment", "js_string", "entities")

_TO_TRADITIONAL = str.maketrans({s: t for t, s in reversed(list(zip(TRADITIONAL, SIMPLIFIED)))})
_TO_SIMPLIFIED = str.maketrans(TRADITIONAL, SIMPLIFIED)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SYLLABLES = {"报": "bào", "告": "gào", "公": "gōng", "开": "kāi", "政": "zhèng", "府": "fǔ", "信": "xìn",
              "息": "xī", "年": "nián", "度": "dù", "情": "qíng", "况": "kuàng", "申": "shēn", "请": "qǐng",
              "行": "xíng", "复": "fù", "议": "yì", "诉": "sù", "讼": "sòng", "处": "chǔ", "理": "lǐ",
              "主": "zhǔ", "动": "dòng", "本": "běn", "新": "xīn", "收": "shōu", "总": "zǒng", "计": "jì",
              "数": "shù", "量": "liàng", "件": "jiàn", "结": "jié", "果": "guǒ", "维": "wéi", "纠": "jiū",
              "正": "zhèng", "审": "shěn", "导": "dǎo", "领": "lǐng", "关": "guān", "区": "qū", "务": "wù",
              "发": "fā", "统": "tǒng", "学": "xué", "网": "wǎng", "规": "guī", "范": "fàn", "决": "jué"}
_OTHER = ("ā", "é", "ǐ", "ò", "ū", "ǚ", "ǎ", "è", "ī", "ó")


def dress_names(rng: random.Random, layout: str) -> tuple[str, ...]:
    """The dresses a random document wears (at most one markup dress, and only on a page)."""
    names = [n for n in ("traditional", "glosses") if rng.random() < DRESSES[n]]
    if layout == "html":
        roll, edge = rng.random(), 0.0
        for name in MARKUP:
            edge += DRESSES[name]
            if roll < edge:
                names.append(name)
                break
    return tuple(names)


def apply(text: str, names: tuple[str, ...], rng: random.Random) -> str:
    """``text`` wearing the dresses ``names``, character dresses first, markup last."""
    if "traditional" in names:
        text = traditional(text)
    if "glosses" in names:
        text = glosses(text, rng)
    if "html_fragment" in names:
        text = html_fragment(text)
    if "js_string" in names:
        text = js_string(text, rng)
    if "entities" in names:
        text = htmlmod.escape(text, quote=False)
    return text


def traditional(text: str) -> str:
    return text.translate(_TO_TRADITIONAL)


def glosses(text: str, rng: random.Random, rate: float = 0.04) -> str:
    """Pinyin after about ``rate`` of the CJK characters (a known reading, or a made-up toned one)."""
    def gloss(m: re.Match) -> str:
        ch = m.group(0)
        if rng.random() >= rate:
            return ch
        simple = ch.translate(_TO_SIMPLIFIED)
        syllable = _SYLLABLES.get(simple) or rng.choice("bdgjlmsxz") + rng.choice(_OTHER) + rng.choice(("", "n", "ng"))
        return f"{ch}({syllable})"
    return _CJK.sub(gloss, text)


def html_fragment(page: str) -> str:
    """The page's body content, without the declaration and the head."""
    start, end = page.find("<body>"), page.rfind("</body>")
    return page[start + len("<body>"):end] if start >= 0 and end > start else page


def js_string(page: str, rng: random.Random) -> str:
    """The page as a JS string literal: quotes, line breaks and (some or all) non-ASCII escaped."""
    every = rng.random() < 0.5

    def esc(ch: str) -> str:
        if ch == '"':
            return '\\"'
        if ch == "\\":
            return "\\\\"
        if ch == "\n":
            return "\\n"
        if ch == "/" and every:
            return "\\/"
        if ord(ch) > 127 and (every or ch in "\u3000\xa0"):
            return "".join(f"\\u{u:04x}" for u in _utf16(ch))
        return ch
    literal = "".join(esc(ch) for ch in page)
    return rng.choice(('var content = "{}";\n', 'document.write("{}");\n', '{{"html":"{}"}}\n')).format(literal)


def _utf16(ch: str) -> list[int]:
    data = ch.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
