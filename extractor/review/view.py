"""What the reviewer sees for one cell, as rich text: the same for the screen and the docs.

The evidence, top to bottom: where the cell is (document, part, Chinese row and column
labels), what each reader read, the source text around the span with the span
highlighted, the rules the cell takes part in, and the validator's repair.
"""
from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

from extractor.review.folder import Entry
from extractor.review.queue import PART_OF, Item, proposed_repair
from extractor.review.session import Review
from schemas import Finding, Result, specs

CONTEXT_LINES = 2
CONTEXT_CHARS = 360
TAB_SIZE = 8  # rich's default, so the caret lines up under tabbed rows
_SEVERITY = {"error": ("✗ broken", "bold red"), "warning": ("! warning", "yellow"), "info": ("? not checkable", "dim")}
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)+")
_REASONS = {"repair": "validator proposes a repair", "broken-rule": "in a broken rule", "flagged": "flagged",
            "missing": "missing in a table that is otherwise there", "low-confidence": "low confidence"}


def header(review: Review, entry: Entry, queue_len: int) -> Text:
    meta = entry.result.meta
    index = review.entries.index(entry) + 1
    done = len(review.in_force(entry))
    text = Text()
    text.append(f"[{index}/{len(review.entries)}] ", style="dim")
    text.append(entry.name, style="bold")
    text.append(f" · {meta.issuer or '?'} {meta.year or '?'} · template {meta.template or '?'}")
    text.append(f" · {queue_len} to review, {done} decided", style="dim")
    return text


def cell_panel(review: Review, entry: Entry, item: Item) -> Text:
    result = review.result(entry)
    spec = specs(result.meta.template)[item.cell]
    cell = result.cells[item.cell]
    out = Text()
    out.append(f"表{spec.part} {spec.table}\n", style="dim")
    out.append(spec.row, style="bold cyan")
    out.append("  ×  ")
    out.append(spec.column, style="bold cyan")
    out.append(f"   {item.cell} ({spec.unit})\n", style="dim")
    out.append("needs a look: " + "; ".join(_REASONS[r] for r in item.reasons) + "\n\n", style="magenta")

    out.append("read  ")
    out.append(fmt(cell.value), style="bold")
    out.append(f"   status {cell.status} · confidence {cell.confidence:.2f} · reader {cell.reader or '-'}")
    if cell.raw:
        out.append(f" · as written 「{cell.raw}」")
    out.append("\n")
    for k, (reader, value) in enumerate((cell.readings or {}).items(), 1):
        out.append(f"  [{k}] {reader}: {fmt(value)}\n", style="dim")
    if cell.note:
        out.append(f"      note: {cell.note}\n", style="dim")

    out.append("\n")
    out.append_text(source_context(entry.text, result, item.cell))
    out.append("\n\n")
    out.append_text(rules(entry.result, result, item.cell))
    repair = proposed_repair(result, item.cell)
    if repair:
        value, fixes = repair
        out.append(f"\nproposed repair: {fmt(value)} (makes {fixes} broken rule{'s' * (fixes > 1)} hold)"
                   " — press r", style="bold green")
    return out


def source_context(text: str, result: Result, cell_id: str) -> Text:
    """The lines around the cell's span, the span highlighted; without a span, where its row label is."""
    cell = result.cells[cell_id]
    if cell.span and text:
        start, end = cell.span
        caption = f"source, characters {start}–{end}:"
        style = "bold reverse yellow"
    else:
        found = _find_label(text, result, cell_id)
        if found is None:
            return Text("source: no span, and the row label is not in the text", style="dim")
        start, end = found
        caption = "source: no span; where the row label appears:"
        style = "underline"
    lo, hi = _around(text, start, end)
    line_end = text.find("\n", end)
    line_end = hi if line_end < 0 or line_end > hi else line_end
    out = Text(caption + "\n", style="dim")
    out.append(text[lo:start])
    out.append(text[start:end], style=style)
    out.append(text[end:line_end])
    if "\n" not in text[start:end]:  # a caret line, so the place shows without colour too
        shown = text[max(lo, text.rfind("\n", 0, start) + 1):start]
        out.append("\n" + " " * cell_len(shown.expandtabs(TAB_SIZE)) + "^" * max(cell_len(text[start:end]), 1),
                   style=style.replace("reverse ", ""))
    out.append(text[line_end:hi].rstrip("\n"))
    return out


def rules(original: Result, current: Result, cell_id: str) -> Text:
    """Findings that list the cell now, and those that listed it before the review but hold now."""
    now = [f for f in current.findings if cell_id in f.cells]
    keys = {_key(f) for f in now}
    fixed = [f for f in original.findings if cell_id in f.cells and f.severity == "error" and _key(f) not in keys]
    if not now and not fixed:
        return Text("rules: none broken or uncheckable with this cell", style="dim")
    out = Text("rules with this cell:\n")
    for f in now:
        label, style = _SEVERITY[f.severity]
        out.append(f"  {label:16}", style=style)
        out.append(f"{f.rule} {f.check or ''} {f.message}".rstrip())
        if f.expected is not None or f.actual is not None:
            out.append(f"  (expected {fmt(f.expected)}, found {fmt(f.actual)})", style="dim")
        if f.cause:
            out.append(f"  cause: {f.cause}", style="dim")
        out.append("\n")
    for f in fixed:
        out.append(f"  {'✓ holds now':16}", style="green")
        out.append(f"{f.rule} {f.check or ''} {f.message}".rstrip() + "\n")
    out.rstrip()
    return out


def _around(text: str, start: int, end: int) -> tuple[int, int]:
    """CONTEXT_LINES whole lines either side of [start, end), at most CONTEXT_CHARS each side."""
    lo = text.rfind("\n", 0, start) + 1
    for _ in range(CONTEXT_LINES):
        if lo == 0:
            break
        lo = text.rfind("\n", 0, lo - 1) + 1
    hi = text.find("\n", end)
    for _ in range(CONTEXT_LINES):
        if hi < 0:
            break
        hi = text.find("\n", hi + 1)
    hi = len(text) if hi < 0 else hi
    return max(lo, start - CONTEXT_CHARS), min(hi, end + CONTEXT_CHARS)


def _find_label(text: str, result: Result, cell_id: str) -> tuple[int, int] | None:
    spec = specs(result.meta.template)[cell_id]
    label = _NUMBERING.sub("", spec.row.split()[-1])[:12]
    part = result.parts.get(PART_OF[spec.part])
    lo, hi = part.span if part and part.span else (0, len(text))
    at = text.find(label, lo, hi) if label else -1
    return (at, at + len(label)) if at >= 0 else None


def _key(f: Finding) -> tuple:
    return f.rule, f.check, tuple(f.cells)


def fmt(value) -> str:
    if value is None:
        return "missing"
    return f"{value:g}" if isinstance(value, float) else str(value)
