"""Writers that put a report on the page the way real conversions do.

One writer per layout seen in real reports (evals/fixtures, format.md §7):

- ``lines``: a web page scraped one cell per line, blank lines between (sample 001).
- ``tabs``: converted documents with tab-separated rows and empty merged cells (000, 003).
- ``pipes``: markdown tables, ``||`` for empty cells and ``| |`` for merged ones.
- ``html``: the page itself, ``<table>`` with rowspan/colspan (the loader renders rows as tabs).
- ``pdf``: ``pdftotext -layout``: wide space runs, wrapped labels with the values on the
  middle line, vertical one-character group labels, page numbers (szfgs2024).
- ``pypdf``: plain PDF text: single spaces, header words one per line and split, labels
  wrapped before their values (section3_raw_text).
- ``stream``: an HTML table flattened cell by cell, each cell on its own line with pipes
  around it, in the variants real crawls produce (shared/corpus: pipe-stream class): ``X |``
  cells with lone ``|`` or ``||`` row ends, the pipe on a line of its own, rows opened by a
  lone ``|``, indented cells between pipes; empty cells as lone ``|`` lines, ``||||`` fillers.
- ``glued``: crawled text of a web page with every cell separator lost: each table row is its
  label followed by one digit string (``一、本年新收…数量12530000128二、上年结转…``), and the whole
  report on one line, or its paragraphs on lines with each table flattened into one.
"""
from __future__ import annotations

import html as htmlmod
import random
import unicodedata

from evals.synth.grid import GCell, Grid, GRow, positional

LAYOUTS = ("lines", "tabs", "pipes", "html", "pdf", "pypdf", "stream", "glued")


def writer(layout: str, rng: random.Random) -> Writer:
    return {"lines": LinesWriter, "tabs": TabsWriter, "pipes": PipesWriter, "html": HtmlWriter,
            "pdf": PdfWriter, "pypdf": PypdfWriter, "stream": StreamWriter, "glued": GluedWriter}[layout](rng)


class Writer:
    """Text layouts: headings and paragraphs are lines; each subclass renders tables."""

    gap = "\n\n"

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.blocks: list[str] = []

    def title(self, text: str) -> None:
        self.blocks.append(text)

    def heading(self, text: str) -> None:
        self.blocks.append(text)

    def para(self, text: str) -> None:
        self.blocks.append(text)

    def table(self, grid: Grid) -> None:
        self.blocks.append("\n".join(self.rows(grid)))

    def rows(self, grid: Grid) -> list[str]:
        raise NotImplementedError

    def finish(self) -> str:
        return self.gap.join(self.blocks) + "\n"


def _text(cell: GCell | None, spaced_vertical: bool = True) -> str:
    if cell is None:
        return ""
    if cell.vertical and spaced_vertical:
        return " ".join(_chars(cell.text))
    return cell.text


def _chars(text: str) -> list[str]:
    """Characters of a vertical label; a numeral keeps its 、 as printed (「三、」 then 「本」)."""
    out: list[str] = []
    for ch in text:
        if ch in "、，" and out:
            out[-1] += ch
        else:
            out.append(ch)
    return out


class LinesWriter(Writer):
    def rows(self, grid: Grid) -> list[str]:
        out = []
        for row in grid.rows:
            for cell in row.cells:
                text = _text(cell, spaced_vertical=False)
                if text:
                    if row.kind == "header" and len(text) > 4 and self.rng.random() < 0.3:
                        cut = self.rng.randint(2, len(text) - 2)  # 「本年新\n制作数量」
                        text = text[:cut] + "\n" + text[cut:]
                    out.append(text)
        return ["\n\n".join(out)]


class TabsWriter(Writer):
    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.strip = rng.random() < 0.5

    def rows(self, grid: Grid) -> list[str]:
        out = []
        for _row, cells in positional(grid):
            line = "\t".join(_text(c) for c in cells)
            out.append(line.rstrip("\t") if self.strip else line)
        return out


class PipesWriter(Writer):
    def heading(self, text: str) -> None:
        self.blocks.append("## " + text)

    def rows(self, grid: Grid) -> list[str]:
        out = []
        for i, (_row, cells) in enumerate(positional(grid)):
            parts = []
            for cell in cells:
                text = _text(cell)
                parts.append(f" {text} " if text else (" " if cell is None else ""))
            out.append("|" + "|".join(parts) + "|")
            if i == 0:
                out.append("|" + "|".join("---" for _ in cells) + "|")
        return out


class StreamWriter(Writer):
    """One cell per line with pipes: the cells a ``<table>`` really has (merged cells are not
    repeated), an empty ``<td>`` as an empty cell."""

    VARIANTS = ("cell_pipe", "pipe_line", "row_open", "indented")

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.variant = rng.choice(self.VARIANTS)
        self.row_end = rng.choice(("|", "||", "|||", ""))
        self.gap = "\n"

    def rows(self, grid: Grid) -> list[str]:
        out: list[str] = []
        for row in grid.rows:
            texts = [_text(c, spaced_vertical=False) for c in row.cells]
            out.extend(self._row(texts, caption=row.kind == "caption"))
        return out

    def _row(self, texts: list[str], caption: bool) -> list[str]:
        v = self.variant
        if v == "pipe_line":
            lines = [x for t in texts for x in ((t, "|") if t else ("|",))]
            return lines + (["||||"] if caption else ["|"])
        if v == "indented":
            lines = ["| "]
            for t in texts:
                lines += [f"       {t}  | " if t else "       | ", "      "]
            return lines + (["    |||"] if caption else ["    "])
        lines = ["|"] if v == "row_open" else []
        lines += [f"{t} |" if t else "|" for t in texts]
        if caption:
            return lines + ["||||"]
        return lines + ([self.row_end] if self.row_end and v == "cell_pipe" else [])


class HtmlWriter(Writer):
    def title(self, text: str) -> None:
        self.blocks.append(f"<h1>{htmlmod.escape(text)}</h1>")

    def heading(self, text: str) -> None:
        tag = "h3" if self.rng.random() < 0.5 else "p"
        self.blocks.append(f"<{tag}><strong>{htmlmod.escape(text)}</strong></{tag}>")

    def para(self, text: str) -> None:
        self.blocks.append(f"<p>{htmlmod.escape(text)}</p>")

    def rows(self, grid: Grid) -> list[str]:
        out = ['<table border="1" cellspacing="0">', "<tbody>"]
        blank = "&nbsp;" if self.rng.random() < 0.5 else ""
        for row in grid.rows:
            tds = []
            for cell in row.cells:
                attrs = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + \
                        (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
                tag = "th" if row.kind == "header" else "td"
                tds.append(f"<{tag}{attrs}>{htmlmod.escape(cell.text) if cell.text else blank}</{tag}>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        return out + ["</tbody>", "</table>"]

    def finish(self) -> str:
        body = "\n".join(self.blocks)
        return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>政府信息公开</title></head><body>\n"
                '<div class="nav">首页 &gt; 政府信息公开 &gt; 年度报告</div>\n'
                f'<div class="article">\n{body}\n</div>\n'
                '<div class="footer">网站标识码 6401000001 ICP备05001234号</div>\n</body></html>\n')


def _char_width(ch: str) -> int:
    return 1 if ch.isascii() else 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _width(text: str) -> int:
    return len(text) if text.isascii() else sum(map(_char_width, text))


def _wrap(text: str, limit: int) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` display columns."""
    chunks, cur, width = [], "", 0
    for ch in text:
        w = _char_width(ch)
        if cur and width + w > limit:
            chunks.append(cur)
            cur, width = "", 0
        cur += ch
        width += w
    return [*chunks, cur] if cur else chunks or [""]


class PdfWriter(Writer):
    """``pdftotext -layout``: columns padded with spaces, paragraphs wrapped, page numbers."""

    gap = "\n"

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.page = rng.randint(1, 3)
        self.label_limit = rng.choice((24, 30, 36))

    def heading(self, text: str) -> None:
        self.blocks.append(" " * self.rng.randint(0, 6) + text)

    def para(self, text: str) -> None:
        lines = _wrap("  " + text, 60)
        self.blocks.append("\n".join(lines))
        self._maybe_page()

    def _maybe_page(self) -> None:
        if self.rng.random() < 0.25:
            self.blocks.append("\n" + " " * 40 + f"-{self.page}-\n")
            self.page += 1

    def rows(self, grid: Grid) -> list[str]:
        table = positional(grid)
        sep = " " * self.rng.randint(3, 8)
        vertical_at: dict[int, list[str]] = {}  # row index → characters of a vertical label starting there
        chunked: list[list[list[str]]] = []
        spans: list[list[int]] = []
        for r, (row, cells) in enumerate(table):
            chunked.append([])
            spans.append([])
            for cell in cells:
                if cell is not None and cell.vertical:
                    vertical_at[r] = _chars(cell.text)
                chunked[-1].append([""] if cell is None or cell.vertical else self._chunks(row, cell))
                spans[-1].append(cell.colspan if cell is not None else 1)
        widths = self._widths(chunked, spans, len(sep))
        out: list[str] = []
        vertical: list[str] = []
        for r, (row, _) in enumerate(table):
            vertical += vertical_at.get(r, [])
            for parts in self._lay_out(row, chunked[r]):
                if vertical and not parts[0]:
                    parts[0] = vertical.pop(0)
                out.append(_join(parts, spans[r], widths, sep))
            if row.kind == "data" and self.rng.random() < 0.6:
                out.append(vertical.pop(0) if vertical else "")
            if row.kind == "data" and self.rng.random() < 0.04:
                out += ["", " " * 40 + f"-{self.page}-", ""]
                self.page += 1
        return out + vertical

    @staticmethod
    def _widths(chunked: list[list[list[str]]], spans: list[list[int]], sep: int) -> list[int]:
        """Column widths from single cells; a spanning label widens its last column only if it must."""
        widths = [0] * max(len(r) for r in chunked)
        for row, row_spans in zip(chunked, spans):
            for i, (chunks, span) in enumerate(zip(row, row_spans)):
                if span == 1:
                    widths[i] = max(widths[i], *map(_width, chunks))
        for row, row_spans in zip(chunked, spans):
            for i, (chunks, span) in enumerate(zip(row, row_spans)):
                cols = range(i, min(i + span, len(widths)))
                need = max(map(_width, chunks)) - sum(widths[j] for j in cols) - sep * (len(cols) - 1)
                if span > 1 and need > 0:
                    widths[cols[-1]] += need
        widths[0] = max(widths[0], 4)
        return widths

    def _chunks(self, row: GRow, cell: GCell | None) -> list[str]:
        if cell is None or not cell.text:
            return [""]
        if cell.value:
            return [cell.text]
        if row.kind != "header":
            limit = self.label_limit
        else:  # the 勾稽 note wraps in its merged cell; short headers sometimes in a narrow column
            limit = self.rng.choice((36, 44)) if len(cell.text) > 16 else self.rng.choice((6, 8, 40, 40))
        return _wrap(cell.text, limit)

    @staticmethod
    def _lay_out(row: GRow, cells: list[list[str]]) -> list[list[str]]:
        """The lines of one table row: long labels wrap; values sit on the middle line."""
        height = max(len(c) for c in cells)
        if height == 2 and row.kind == "data":
            height = 3  # a two-line label prints above and below its values (szfgs2024)
        mid = height // 2
        lines = [[""] * len(cells) for _ in range(height)]
        for i, chunks in enumerate(cells):
            if len(chunks) == 1:
                lines[mid if row.kind == "data" else 0][i] = chunks[0]
            else:
                slots = [0, 2] if height == 3 and len(chunks) == 2 else range(len(chunks))
                for slot, chunk in zip(slots, chunks):
                    lines[slot][i] = chunk
        return lines


def _join(parts: list[str], spans: list[int], widths: list[int], sep: str) -> str:
    """One printed line: each cell padded to the width of the columns it spans."""
    out, i = [], 0
    while i < len(parts):
        k = spans[i]
        width = sum(widths[i:i + k]) + len(sep) * (k - 1)
        out.append(parts[i] + " " * (width - _width(parts[i])))
        i += k
    return sep.join(out).rstrip()


class PypdfWriter(Writer):
    """Plain PDF text: words in reading order with single spaces, no column alignment."""

    gap = "\n"

    def para(self, text: str) -> None:
        self.blocks.append("\n".join(_wrap(text, 60)))

    def rows(self, grid: Grid) -> list[str]:
        out: list[str] = []
        for row in grid.rows:
            texts = [c for c in row.cells if c.text]
            if row.kind in ("caption", "noise") or (row.kind == "header" and grid.part == "p2"):
                out.append(" ".join(c.text for c in texts))
            elif row.kind == "header":
                out += self._header_words([c.text for c in texts])
            else:
                out += self._data(row)
        return out

    def _header_words(self, words: list[str]) -> list[str]:
        out: list[str] = []
        for word in words:
            if len(word) > 3 and self.rng.random() < 0.5:
                cut = self.rng.randint(2, len(word) - 1)
                out += [word[:cut], word[cut:]]
            else:
                out.append(word)
        if len(out) > 2 and self.rng.random() < 0.5:  # 「总计商 业 企」: two header words on one line
            i = self.rng.randrange(len(out) - 1)
            out[i:i + 2] = [out[i] + out[i + 1]]
        return out

    def _data(self, row: GRow) -> list[str]:
        out: list[str] = []
        labels = [c for c in row.cells if not c.value and c.text]
        values = [c.text for c in row.cells if c.value]
        leaf = labels[-1].text if labels else ""
        for group in labels[:-1]:
            if group.vertical:
                out += _chars(group.text)
            else:
                out += _wrap(group.text, 8)
        chunks = _wrap(leaf, 40)
        out += chunks[:-1]
        out.append(" ".join([chunks[-1], *(v for v in values if v)]).strip())
        return out


class GluedWriter(Writer):
    """Crawled text without cell separators: cells of a row glued, rows glued, tables on one line."""

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.one_line = rng.random() < 0.6  # the whole report on one line, else paragraphs on lines
        self.gap = rng.choice((" ", "")) if self.one_line else "\n"

    def table(self, grid: Grid) -> None:
        self.blocks.append("".join(self.rows(grid)))

    def rows(self, grid: Grid) -> list[str]:
        return ["".join(cell.text.replace(" ", "") for cell in row.cells) for row in grid.rows]
