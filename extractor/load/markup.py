"""Is this text really a web page? Content sniffing for text inputs, whatever their suffix.

A page saved as ``.txt``, HTML inside a JavaScript string literal (``"<p class=\\"x\\">\\u5e74…"``)
or entity-escaped markup (``&lt;table&gt;…``) is read by the HTML loader, not as text. The
rule is measurable: after undoing a JS-string or entity escaping that the text visibly
carries, the text is *markup-dominated* when it declares itself HTML (starts with
``<!DOCTYPE html`` or ``<html``), or when it has at least :data:`MIN_TAGS` tags (``<br>`` does
not count: markdown tables carry it in their cells) and either the characters inside tags
make at least :data:`MIN_TAG_SHARE` of its non-blank characters or at least
:data:`MIN_TAG_LINES` of its non-blank lines open with a tag (a fragment of ``<p>``
paragraphs, where long sentences dilute the tags). Plain text that mentions a tag (「请在<table>中填写」) stays text: a handful of tag characters
in a report is a tiny share. In a fragment (no ``<html>``: copied markup, markdown with HTML
tables) a line without any tag becomes a paragraph, so text between the tables keeps its lines.
"""
from __future__ import annotations

import html as htmlmod
import re

from extractor.lazy_re import lazy_compile

MIN_TAGS = 8
MIN_TAG_SHARE = 0.15
MIN_TAG_LINES = 0.5

_TAG = lazy_compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]{0,20}(?:\s[^<>]{0,2000}?)?/?|!--.*?--|![A-Za-z][^<>]{0,200})>", re.S)
_DECLARED = lazy_compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_BREAK = lazy_compile(r"</?br\b", re.I)
_OPENS_TAG = lazy_compile(r"\s*<[/!A-Za-z]")
_SPACE = lazy_compile(r"\s+")
# JS string escapes; a page carries a few in inline scripts, a JS string of HTML carries them everywhere.
_JS_ESCAPE = lazy_compile(r"\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[nrt\"'/\\])")
_JS_UNESCAPE = lazy_compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))", re.S)
_JS_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_JS_LITERAL = lazy_compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', re.S)
_KEY_AFTER = lazy_compile(r"\s*:")
_ESCAPED_TAG = lazy_compile(r"&lt;/?[A-Za-z]")


def markup_of(text: str) -> str | None:
    """The HTML source ``text`` carries when it is markup-dominated, else ``None``."""
    if _JS_ESCAPE.search(text) is not None and _js_escaped(text):
        text = _js_unescape(text)
    if text.count("&lt;") >= MIN_TAGS and len(_ESCAPED_TAG.findall(text)) > len(_TAG.findall(text)):
        text = htmlmod.unescape(text)
    if not is_markup(text):
        return None
    return text if _DECLARED.match(text) else _keep_text_lines(text)


def _keep_text_lines(fragment: str) -> str:
    """A fragment (no ``<html>``) may be markdown or text with HTML tables in it: its lines
    without any tag stay lines (HTML would run them into one), each made a paragraph."""
    return "\n".join(ln if not ln.strip() or "<" in ln and _TAG.search(ln) else f"<p>{ln}</p>"
                     for ln in fragment.split("\n"))


def is_markup(text: str) -> bool:
    """The rule: declared HTML, or enough tags making a large enough share of the characters."""
    if _DECLARED.match(text):
        return True
    if text.count("<") < MIN_TAGS:
        return False
    tags = _tags(text)
    if len(tags) < MIN_TAGS:
        return False
    solid = len(_SPACE.sub("", text))
    inside = sum(len(_SPACE.sub("", t)) for t in tags)
    if solid and inside / solid >= MIN_TAG_SHARE:
        return True
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return sum(bool(_OPENS_TAG.match(ln)) for ln in lines) >= MIN_TAG_LINES * len(lines)


def tag_share(text: str) -> float:
    """Share of non-blank characters inside tags (what :func:`is_markup` measures)."""
    solid = len(_SPACE.sub("", text))
    return sum(len(_SPACE.sub("", t)) for t in _tags(text)) / solid if solid else 0.0


def _tags(text: str) -> list[str]:
    """The tags of ``text``, less line breaks: markdown tables carry ``<br>`` in their cells."""
    return [t for t in _TAG.findall(text) if not _BREAK.match(t)]


def _js_escaped(text: str) -> bool:
    """A JS string of HTML: escapes outnumber the real line breaks (the string is one line)."""
    escapes = len(_JS_ESCAPE.findall(text))
    return escapes >= MIN_TAGS and escapes > text.count("\n")


def _js_unescape(text: str) -> str:
    """The string literals' contents joined, unescaped (the whole text when it is not in quotes)."""
    if not text.lstrip().startswith("<"):
        literals = [m.group(1) if m.group(1) is not None else m.group(2) for m in _JS_LITERAL.finditer(text)
                    if not _KEY_AFTER.match(text, m.end())]  # a key of an object ({"html": …}) is not content
        if sum(map(len, literals)) >= len(text) / 2:
            text = "".join(literals)
    out = _JS_UNESCAPE.sub(_unescape_one, text)
    if any("\ud800" <= ch <= "\udfff" for ch in out):  # \ud83d\ude00: pair the surrogates
        out = out.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return out


def _unescape_one(m: re.Match) -> str:
    code, byte, other = m.groups()
    if code is not None:
        return chr(int(code, 16))
    if byte is not None:
        return chr(int(byte, 16))
    return _JS_SIMPLE.get(other, other)
