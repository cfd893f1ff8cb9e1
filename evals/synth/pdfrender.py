"""Synthetic reports rendered to real PDFs, in the table styles PDF reports come in.

    from evals.synth.pdfrender import STYLES, pdf_docs
    for doc, data in pdf_docs(20, seed=0, style="ruled"):
        extract_bytes(data)     # a PDF with a text layer
        doc.cells               # the exact truth (evals.synth)

The report is an ``evals.synth`` document of the ``html`` layout (its tables carry their
rowspans and colspans), drawn on A4 pages with reportlab's built-in STSong-Light CID font
(no font file needed; every PDF reader maps it back to Unicode). Styles:

- ``ruled``: every cell boxed, the label column wide enough for one line;
- ``unruled``: the same positions, no lines (the reader must rely on positions alone);
- ``wrapped``: a narrow label column, so long labels wrap over two or three lines and the
  values sit on the middle line of their row;
- ``vertical``: group labels spanning rows and 表四's column headers written one character
  per line, as in szfgs2024;
- ``two_column``: the narrative set in two columns on the page, the tables across both.

Pages carry a centred 「- N -」 number. Tables break between rows, never inside a rowspan.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lhtml
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from evals.synth import SynthDoc, generate

STYLES = ("ruled", "unruled", "wrapped", "vertical", "two_column")
CID_FONT = "STSong-Light"  # reportlab's built-in CID font: not embedded, Unicode through UniGB-UCS2-H
# A CJK TrueType font to embed (subset), as Word and WPS do; Debian's fonts-wqy-zenhei (.ci/run installs it).
TTF_PATHS = (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"))
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN, SIZE, LEAD, PAD, GUTTER = 50.0, 9.0, 11.5, 2.5, 14.0

pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
FONT = CID_FONT  # the font being drawn with (render() sets it)


def embedded_font() -> str | None:
    """The name of the registered embeddable CJK font, or None where none is installed."""
    for path in TTF_PATHS:
        if path.exists():
            if "WQY" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("WQY", str(path), subfontIndex=0))
            return "WQY"
    return None


def pdf_docs(count: int, seed: int = 0, style: str = "ruled", font: str = "cid") -> Iterator[tuple[SynthDoc, bytes]]:
    """``count`` clean synthetic reports rendered in ``style``, with the font not embedded (``cid``)
    or embedded (``embedded``: needs a CJK TrueType font, :func:`embedded_font`): ``(doc, pdf bytes)``."""
    if style not in STYLES:
        raise ValueError(f"unknown PDF style {style!r}; one of {', '.join(STYLES)}")
    name = CID_FONT if font == "cid" else embedded_font()
    if name is None:
        raise LookupError("no CJK TrueType font to embed (Debian: apt-get install fonts-wqy-zenhei)")
    for doc in generate(count, seed=seed, layouts=("html",), features=()):
        yield doc, render(doc.text, style, name)


@dataclass(slots=True)
class _Cell:
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    header: bool


def render(page_html: str, style: str, font: str = CID_FONT) -> bytes:
    """The headings, paragraphs and tables of an ``evals.synth`` HTML page as a PDF."""
    global FONT
    FONT = font
    out = io.BytesIO()
    pen = _Pen(canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H)), style)
    article = lhtml.fromstring(page_html).find_class("article")[0]
    for node in article:
        text = " ".join(node.text_content().split())
        if node.tag == "table":
            pen.table(_cells(node), style)
        elif node.tag == "h1":
            pen.lines(node.text_content().split("\n"), indent=80)
        elif text:
            pen.paragraph(text, heading=node.tag == "h3" or node.find("strong") is not None)
    pen.finish()
    return out.getvalue()


def _cells(table) -> list[_Cell]:
    """The table's cells with their grid positions (rowspans and colspans resolved)."""
    taken: set[tuple[int, int]] = set()
    cells = []
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for td in tr:
            while (r, c) in taken:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            cells.append(_Cell(" ".join(td.text_content().replace("\xa0", " ").split()), r, c, rs, cs, td.tag == "th"))
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            c += cs
    return cells


def _wrap(text: str, width: float) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if cur and pdfmetrics.stringWidth(cur + ch, FONT, SIZE) > width:
            lines.append(cur)
            cur = ""
        cur += ch
    return [*lines, cur] if cur else lines or [""]


class _Pen:
    """Writes down the page; starts a new page (with its number) when one is full."""

    def __init__(self, c: canvas.Canvas, style: str):
        self.c, self.style, self.page = c, style, 1
        self.y = PAGE_H - MARGIN
        self.pending: list[str] = []  # two_column: lines waiting to be set in columns
        self.c.setFont(FONT, SIZE)

    def new_page(self) -> None:
        self.c.setFont(FONT, SIZE)
        self.c.drawCentredString(PAGE_W / 2, MARGIN / 2, f"- {self.page} -")
        self.c.showPage()
        self.c.setFont(FONT, SIZE)
        self.page += 1
        self.y = PAGE_H - MARGIN

    def room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.new_page()

    def lines(self, lines: list[str], indent: float = 0.0) -> None:
        self._flush()
        for line in lines:
            self.room(LEAD)
            self.y -= LEAD
            self.c.drawString(MARGIN + indent, self.y, line)

    def paragraph(self, text: str, heading: bool) -> None:
        """Full-width lines; in ``two_column`` the text waits to be set in two columns (:meth:`_flush`)."""
        width = (PAGE_W - 2 * MARGIN - GUTTER) / 2 if self.style == "two_column" else PAGE_W - 2 * MARGIN
        wrapped = _wrap(text if heading else "\u3000\u3000" + text, width)
        if self.style == "two_column":
            self.pending.extend(wrapped)
            return
        for line in wrapped:
            self.room(LEAD)
            self.y -= LEAD
            self.c.drawString(MARGIN, self.y, line)

    def _flush(self) -> None:
        """The waiting text in two columns: the left column first, then the right, page by page."""
        width = (PAGE_W - 2 * MARGIN - GUTTER) / 2
        while self.pending:
            fit = max(1, int((self.y - MARGIN) // LEAD))
            left, right = self.pending[:fit], self.pending[fit:2 * fit]
            if len(self.pending) <= 2 * fit:  # the last block: balance the two columns
                half = (len(self.pending) + 1) // 2
                left, right = self.pending[:half], self.pending[half:]
            self.pending = self.pending[len(left) + len(right):]
            for i, line in enumerate(left):
                self.c.drawString(MARGIN, self.y - LEAD * (i + 1), line)
            for i, line in enumerate(right):
                self.c.drawString(MARGIN + width + GUTTER, self.y - LEAD * (i + 1), line)
            self.y -= LEAD * len(left)
            if self.pending:
                self.new_page()

    def table(self, cells: list[_Cell], style: str) -> None:
        self._flush()
        ncols = max(c.col + c.colspan for c in cells)
        nrows = max(c.row + c.rowspan for c in cells)
        widths = self._widths(cells, ncols, style)
        xs = [MARGIN + sum(widths[:i]) for i in range(ncols + 1)]
        heights = [LEAD + 2 * PAD] * nrows
        content: dict[int, list[str]] = {}
        for k, cell in enumerate(cells):
            width = xs[cell.col + cell.colspan] - xs[cell.col] - 2 * PAD
            content[k] = list(cell.text) if self._vertical(cell, ncols) else _wrap(cell.text, width)
            need = len(content[k]) * LEAD + 2 * PAD
            span = range(cell.row, cell.row + cell.rowspan)
            have = sum(heights[r] for r in span)
            if need > have:
                heights[span[-1]] += need - have
        for band in _bands(cells, nrows):
            band_h = sum(heights[r] for r in band)
            self.room(band_h)
            top = {r: self.y - sum(heights[band[0]:r]) for r in band}
            for k, cell in enumerate(cells):
                if cell.row in top:
                    self._cell(cell, content[k], xs, top[cell.row], sum(heights[cell.row:cell.row + cell.rowspan]))
            self.y -= band_h
        self.y -= LEAD

    def _widths(self, cells: list[_Cell], ncols: int, style: str) -> list[float]:
        """Label columns (those holding text) share what the value columns leave."""
        total = PAGE_W - 2 * MARGIN
        labels = sorted({c.col for c in cells if not c.header and c.colspan == 1 and c.text
                         and not c.text.replace(".", "").replace("-", "").replace("+", "").isdigit()})
        value = 26.0 if ncols > 12 else 34.0
        nlabel = max(1, len(labels))
        label_room = total - value * (ncols - nlabel)
        if style == "wrapped":
            label_room = min(label_room, 70.0 * nlabel)
        return [label_room / nlabel if i in labels else value for i in range(ncols)]

    def _vertical(self, cell: _Cell, ncols: int) -> bool:
        if self.style != "vertical" or not cell.text or cell.colspan > 1:
            return False
        return (cell.rowspan >= 3 and not cell.header) or (cell.header and ncols > 12 and len(cell.text) <= 6)

    def _cell(self, cell: _Cell, lines: list[str], xs: list[float], top: float, height: float) -> None:
        x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
        if self.style in ("ruled", "wrapped", "vertical"):
            self.c.rect(x0, top - height, x1 - x0, height)
        y = top - (height - len(lines) * LEAD) / 2 - LEAD + 2.5  # centred vertically, as Word/WPS do
        for line in lines:
            self.c.drawCentredString((x0 + x1) / 2, y, line)
            y -= LEAD

    def finish(self) -> None:
        self._flush()
        self.c.setFont(FONT, SIZE)
        self.c.drawCentredString(PAGE_W / 2, MARGIN / 2, f"- {self.page} -")
        self.c.showPage()
        self.c.save()


def _bands(cells: list[_Cell], nrows: int) -> list[list[int]]:
    """Rows grouped so that no rowspan crosses a group: a page may break between groups."""
    reach = list(range(nrows))
    for cell in cells:
        reach[cell.row] = max(reach[cell.row], cell.row + cell.rowspan - 1)
    bands, start, end = [], 0, 0
    for r in range(nrows):
        end = max(end, reach[r])
        if r == end:
            bands.append(list(range(start, r + 1)))
            start = r + 1
    return bands
