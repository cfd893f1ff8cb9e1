"""Text normalisation. The normalised text is what every span indexes into.

``normalize`` is idempotent: feeding its output back in changes nothing, so a user who
saves ``nianbao extract --text`` and extracts that file gets the same cells and spans.

Traditional characters become simplified ones character for character (:mod:`extractor.t2s`),
before the report check, part headings and labels see the text. Pinyin glosses that mirror
sites print inside words (``報(bào)告``) are removed; no offset map back to the loaded text
is kept (NFKC already changes lengths), since every span indexes into the normalised text.
"""
from __future__ import annotations

import re
import unicodedata

from extractor.t2s import to_simplified

# OCR / Japanese glyph variants seen in real reports, mapped to the simplified forms.
# (str.replace per glyph: a dozen times faster on a whole report than str.translate with a dict)
_GLYPHS = (("増", "增"), ("減", "减"), ("\u3000", " "), ("\xa0", " "), ("\ufeff", ""))
# Control characters carry no text, and ESC sequences in a title would reach the terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2028\u2029\u2060]")
_MANY_BLANK_LINES = re.compile(r"\n{4,}")
# The compatibility characters Chinese reports are full of: full-width ASCII (「，」「（」「：」),
# ideographic, no-break and typographic spaces. Each is replaced by its NFKD form before NFKC
# runs, which leaves NFKC's result unchanged (the text's NFKD is the same) but lets its quick
# check pass on most reports, so the whole-text normalisation (3/4 of this function) is skipped.
_COMMON_COMPAT = re.compile(r"[\xa0\u2000-\u200a\u3000\uff01-\uff5e]")
_MAX_COMPAT = 64  # more distinct ones than this (a text in another script): NFKC alone
# A pinyin gloss: one to six syllables of pinyin letters in parentheses, at least one of them
# with a tone mark (a precomposed vowel or a combining accent), e.g. 「(bào)」 「(zhèng fǔ)」.
# Toneless Latin words in parentheses (「(a)」 「(PDF)」) are never touched.
_PY = "a-zü\u0251\u0261\u0300\u0301\u0304\u030c" + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_GLOSS = re.compile(rf"\((?=[^()]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ\u0300\u0301\u0304\u030c])"
                    rf"[{_PY}]{{1,7}}(?: [{_PY}]{{1,7}}){{0,5}}\)")


def normalize(text: str) -> str:
    """Control characters out, NFKC (full-width → half-width), traditional → simplified, pinyin glosses, glyph variants,
    line endings, trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    text = unicodedata.normalize("NFKC", _common_compat(text))
    text = to_simplified(text)
    if "(" in text:
        text = _strip_glosses(text)
    for glyph, plain in _GLYPHS:
        text = text.replace(glyph, plain)
    text = _ZERO_WIDTH.sub("", text)
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))  # 9× faster than re's [ \t]+$
    if "\n\n\n\n" in text:  # a substring test is 30× faster than the pattern's scan of every line break
        text = _MANY_BLANK_LINES.sub("\n\n\n", text)
    return text.strip("\n") + "\n"


def _common_compat(text: str) -> str:
    found = set(_COMMON_COMPAT.findall(text))
    if len(found) > _MAX_COMPAT:
        return text
    for ch in found:
        text = text.replace(ch, unicodedata.normalize("NFKD", ch))
    return text


def _strip_glosses(text: str) -> str:
    n = 1
    while n:  # a gloss uncovered by removing another (「(bà(gào)o)」) goes too: idempotent
        text, n = _GLOSS.subn("", text)
    return text


_LABEL_NOISE = re.compile(r"[\s|*#]+")


def squash(label: str) -> str:
    """A label for matching: normalised, with whitespace and markdown marks removed."""
    return _LABEL_NOISE.sub("", normalize(label))
