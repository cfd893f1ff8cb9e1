"""Web pages: visible text in reading order, tables kept as rows of tab-separated cells.

Page chrome (scripts, navigation, headers and footers) is dropped. Block elements end a
line; inline elements do not, so a sentence split by ``<b>`` stays one line.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from extractor.load.text import decode

_DROP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button",
         "select", "head", "template"}
_BLOCK = {"p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
          "br", "hr", "pre", "blockquote", "center", "dd", "dt", "dl", "tbody", "thead", "tfoot", "caption"}
# A table holding another table is page layout, not data: its rows and cells are blocks.
_LAYOUT_CELLS = {"table", "tr", "td", "th"}
_CHROME = re.compile(r"(^|[-_\s])(nav|menu|footer|header|breadcrumb|sidebar|share|copyright)([-_\s]|$)", re.I)
_WS = re.compile(r"[ \t\r\n\f\v]+")


def load(data: bytes, label: str) -> str:
    soup = BeautifulSoup(decode(data, label), "lxml")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        ident = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
        if ident.strip() and _CHROME.search(ident) and tag.name not in ("table", "tr", "td", "th", "body"):
            tag.decompose()
    out: list[str] = []
    _walk(soup.body or soup, out)
    return "".join(out)


def _walk(node: Tag, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # skip comments, CDATA, doctype
                out.append(_WS.sub(" ", str(child)))
        elif isinstance(child, Tag):
            if child.name == "table" and child.find("table") is None:
                out.append("\n" + _table(child) + "\n")
            elif child.name in _BLOCK or child.name in _LAYOUT_CELLS:
                out.append("\n")
                _walk(child, out)
                out.append("\n")
            else:
                _walk(child, out)


def _table(table: Tag) -> str:
    rows = []
    for tr in table.find_all("tr"):
        cells = [_WS.sub(" ", td.get_text(" ", strip=True)).strip() for td in tr.find_all(("td", "th"), recursive=False)]
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)
