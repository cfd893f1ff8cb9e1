"""Web pages: visible text in reading order, tables kept as rows of tab-separated cells.

Page chrome (scripts, navigation, headers and footers) is dropped. Block elements end a
line; inline elements do not, so a sentence split by ``<b>`` stays one line. Parsed with
lxml directly: a government page loads in a few milliseconds.
"""
from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from extractor.load.text import decode

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button",
         "select", "head", "template")
_BLOCK = {"p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
          "br", "hr", "pre", "blockquote", "center", "dd", "dt", "dl", "tbody", "thead", "tfoot", "caption"}
# A table holding another table is page layout, not data: its rows and cells are blocks.
_LAYOUT_CELLS = {"table", "tr", "td", "th"}
_CHROME = re.compile(r"(^|[-_\s])(nav|menu|footer|header|breadcrumb|sidebar|share|copyright)([-_\s]|$)", re.I)
_WS = re.compile(r"[ \t\r\n\f\v]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def load(data: bytes, label: str) -> str:
    return parse(decode(data, label))


def parse(source: str) -> str:
    """The visible text of an HTML source already decoded (also what a sniffed .txt page goes through)."""
    text = _XML_DECLARATION.sub("", source)  # lxml refuses a str that declares its encoding
    try:
        root = lxml_html.document_fromstring(text)
    except etree.ParserError:  # nothing but whitespace or comments
        return ""
    for el in list(root.iter(_DROP)):
        el.drop_tree()  # the element and its text go; the text after it stays
    for el in list(root.iter(etree.Element)):
        ident = " ".join([el.get("id") or "", *(el.get("class") or "").split()])
        if ident.strip() and _CHROME.search(ident) and el.tag not in ("table", "tr", "td", "th", "body") \
                and el.getparent() is not None:
            el.drop_tree()
    body = root.find("body")
    out: list[str] = []
    _walk(root if body is None else body, out)
    return "".join(out)


def _walk(node, out: list[str]) -> None:
    if node.text:
        out.append(_WS.sub(" ", node.text))
    for child in node:
        if isinstance(child.tag, str):  # comments and processing instructions carry no text
            if child.tag == "table" and _no_nested_table(child):
                out.append("\n" + _table(child) + "\n")
            elif child.tag in _BLOCK or child.tag in _LAYOUT_CELLS:
                out.append("\n")
                _walk(child, out)
                out.append("\n")
            else:
                _walk(child, out)
        if child.tail:
            out.append(_WS.sub(" ", child.tail))


def _no_nested_table(table) -> bool:
    return next(table.iterdescendants("table"), None) is None


def _table(table) -> str:
    rows = []
    for tr in table.iter("tr"):
        cells = [_cell_text(td) for td in tr if td.tag in ("td", "th")]
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)


def _cell_text(td) -> str:
    pieces = (s.strip() for s in td.itertext(tag=etree.Element, with_tail=True))
    return _WS.sub(" ", " ".join(p for p in pieces if p)).strip()
