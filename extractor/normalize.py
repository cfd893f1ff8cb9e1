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
from functools import cache

from extractor._t2s_table import TRADITIONAL
from extractor.lazy_re import lazy_compile
from extractor.t2s import char_class, to_simplified

# OCR / Japanese glyph variants seen in real reports, mapped to the simplified forms.
# (str.replace per glyph: a dozen times faster on a whole report than str.translate with a dict)
_GLYPHS = (("増", "增"), ("減", "减"), ("\u3000", " "), ("\xa0", " "), ("\ufeff", ""))
# Control characters carry no text, and ESC sequences in a title would reach the terminal.
_CONTROLS = lazy_compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_CONTROL_CHARS = frozenset(chr(c) for c in (*range(0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0)))  # _CONTROLS's
_ZERO_WIDTH = lazy_compile(r"[\u200b-\u200f\u2028\u2029\u2060]")
_ZERO_WIDTH_CHARS = frozenset(chr(c) for c in (*range(0x200B, 0x2010), 0x2028, 0x2029, 0x2060))  # _ZERO_WIDTH's
# Trailing blanks that start with a space, then with a tab: not "[ \t]+\n", since a pattern that
# opens with a literal is searched for ~15× faster than one that opens with a class (and than
# rstrip on each line of a split).
_TRAILING_SPACES = re.compile(" [ \t]*\n")
_TRAILING_TABS = re.compile("\t[ \t]*\n")
_MANY_BLANK_LINES = re.compile(r"\n{4,}")
# The compatibility characters Chinese reports are full of: full-width ASCII (「，」「（」「：」),
# ideographic, no-break and typographic spaces. Each is replaced by its NFKD form before NFKC
# runs, which leaves NFKC's result unchanged (the text's NFKD is the same) but lets its quick
# check pass on most reports, so the whole-text normalisation (3/4 of this function) is skipped.
_COMMON_COMPAT = lazy_compile(r"[\xa0\u2000-\u200a\u3000\uff01-\uff5e]")
_COMPAT = frozenset(chr(c) for c in (0xA0, *range(0x2000, 0x200B), 0x3000, *range(0xFF01, 0xFF5F)))
_MAX_COMPAT = 64  # more distinct ones than this (a text in another script): NFKC alone
# A pinyin gloss: one to six syllables of pinyin letters in parentheses, at least one of them
# with a tone mark (a precomposed vowel or a combining accent), e.g. 「(bào)」 「(zhèng fǔ)」.
# Toneless Latin words in parentheses (「(a)」 「(PDF)」) are never touched.
_PY = "a-zü\u0251\u0261\u0300\u0301\u0304\u030c" + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_GLOSS = re.compile(rf"\((?=[^()]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ\u0300\u0301\u0304\u030c])"
                    rf"[{_PY}]{{1,7}}(?: [{_PY}]{{1,7}}){{0,5}}\)")


def normalize(text: str) -> str:
    """Control characters out, NFKC (full-width → half-width), traditional → simplified, pinyin glosses, glyph variants,
    line endings, trailing blanks. A step is skipped where the one scan of the text (:func:`_special`) found none
    of the characters it changes: most reports have full-width ones and nothing else."""
    pattern, plain = _special()
    found = set(pattern.findall(text))
    if "\r" in found:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not found.isdisjoint(_CONTROL_CHARS):
        text = _CONTROLS.sub("", text)
    text = _replace_compat(text, found & _COMPAT)
    nfkc = unicodedata.normalize("NFKC", text)  # the text itself when its quick check passes (the pre-pass's aim)
    if nfkc is not text or not found <= plain:  # NFKC may make a traditional character (U+F900…)
        nfkc = to_simplified(nfkc, pattern)
    text = nfkc
    if "(" in text:
        text = _strip_glosses(text)
    for glyph, simple in _GLYPHS:  # NFKC and to_simplified make none of them
        if glyph in found:
            text = text.replace(glyph, simple)
    if not found.isdisjoint(_ZERO_WIDTH_CHARS):
        text = _ZERO_WIDTH.sub("", text)
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):  # substring tests: far cheaper than a scan
        # Each line's trailing blanks from its first space, then what is left of them (tabs only).
        text = _TRAILING_SPACES.sub("\n", text)
        if "\t\n" in text:
            text = _TRAILING_TABS.sub("\n", text)
        text = text.rstrip(" \t")  # the last line's
    if "\n\n\n\n" in text:  # a substring test is 30× faster than the pattern's scan of every line break
        text = _MANY_BLANK_LINES.sub("\n\n\n", text)
    return text.strip("\n") + "\n"


@cache
def _special() -> tuple[re.Pattern[str], frozenset[str]]:
    """A pattern of every character some step of :func:`normalize` changes, and those of them that
    are not traditional. One scan of the text finds them all (a class scan costs ~10 ns a character,
    ~30 µs a report: four of them were half of this module's time): ``\\r``, control and zero-width
    characters, glyph variants, full-width ones, traditional characters and any beyond the BMP.
    Neither NFKC nor :func:`to_simplified` makes any of them, but NFKC may make a traditional one."""
    others = {"\r", *_CONTROL_CHARS, *_ZERO_WIDTH_CHARS, *_COMPAT, *(g for g, _ in _GLYPHS)}
    bmp = char_class(c for c in (*TRADITIONAL, *others) if ord(c) <= 0xFFFF)
    # One class: a search tests one bitmap a character (an alternation would try each branch).
    return re.compile(bmp[:-1] + "\U00010000-\U0010FFFF]"), frozenset(others.difference(TRADITIONAL))


def _common_compat(text: str) -> str:
    return _replace_compat(text, set(_COMMON_COMPAT.findall(text)))


def _replace_compat(text: str, found: set[str]) -> str:
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
