"""One synthetic report: truth → grids → defects → (optional) injected error → text."""
from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from evals.synth import narrative
from evals.synth.grid import GCell, Grid, GRow, Style, build, clip_rowspans
from evals.synth.layouts import writer
from evals.synth.truth import COLUMNS, P4_BLOCKS, Value, inject, outcome_rows, random_cells
from schemas import CellSpec, cell_ids, specs

# Defects and variations a document may carry, with how often each is drawn.
FEATURES = {"blanks": 0.2, "short_rows": 0.2, "noise": 0.3, "truncated": 0.2, "single_other": 0.12,
            "heading_variants": 0.3, "internal_headings": 0.15}
# Layouts where a blank cell stays visible as an empty field (elsewhere it simply vanishes).
_BLANK_VISIBLE = {"tabs", "pipes", "html", "pdf", "stream"}
_JUNK = ("Ш-", "/\\C", "<i>></i> □", "$\\vdash\\vdash$", ",,", "41)).", "f", "Ţ", "心口", "次 た", "·", "口")


@dataclass(frozen=True, slots=True)
class SynthDoc:
    """A generated report and its exact truth."""

    name: str
    text: str  # the whole document; HTML source when ``suffix`` is ".html"
    suffix: str  # ".txt" or ".html"
    template: str
    year: int
    issuer: str
    cells: dict[str, Value]  # every id of the template: the value the document prints, or None
    layout: str
    features: tuple[str, ...]
    ambiguous: tuple[str, ...]  # ids a careful reader cannot decide (blank fields, rows short of a value)
    injected: dict | None  # {"cell", "old", "new", "rules"} when an error was injected
    profile: str  # zero | small | large

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


def make_doc(name: str, rng: random.Random, template: str, layout: str, inject_error: bool,
             features: tuple[str, ...] | None) -> SynthDoc:
    truth, profile = random_cells(template, rng)
    feats = _features(rng, template, layout, features)
    style = Style.random(rng) if layout != "html" else Style(p3_header=rng.choice(("grid", "single")))
    values: dict[str, Value] = dict(truth)
    ambiguous: set[str] = set()
    merged_other = None
    if "single_other" in feats:
        merged_other = [str(sum(truth[f"p3.other.{sub}.{c}"] for sub in ("no_correction", "no_fee", "other")))
                        for c in COLUMNS]
        for cid in values:
            if cid.startswith(("p3.other.no_correction.", "p3.other.no_fee.", "p3.other.other.")):
                values[cid] = None
                ambiguous.add(cid)
    sp = specs(template)
    tokens = {cid: _token(sp[cid], v, rng) if v is not None else "" for cid, v in values.items()}
    grids = build(template, tokens, style, rng, merged_other)
    if "blanks" in feats:
        for cid in _blank_ids(values, template, rng):
            _cell(grids, cid).text = ""
            values[cid] = None
            ambiguous.add(cid)
    if "short_rows" in feats:
        ambiguous |= _shorten_rows(grids, values, ambiguous, rng)
    ends = False
    if "truncated" in feats:
        for cid in _truncate(grids, rng):
            values[cid] = None
            ambiguous.discard(cid)
        ends = rng.random() < 0.35
    injected = None
    if inject_error:
        inj = inject(values, template, rng, ambiguous)
        if inj is not None:
            values[inj.cell] = inj.new
            _cell(grids, inj.cell).text = str(inj.new)
            injected = inj.as_dict()
    if "noise" in feats:
        _add_noise(grids, rng)
    year = rng.choice((2019, 2020)) if template == "2019" else rng.randint(2021, 2024)
    who = narrative.issuer(rng)
    text = _write(layout, rng, who, year, grids, feats, ends)
    feats += _style_features(style)
    return SynthDoc(name=name, text=text, suffix=".html" if layout == "html" else ".txt", template=template,
                    year=year, issuer=who, cells={cid: values[cid] for cid in cell_ids(template)}, layout=layout,
                    features=feats, ambiguous=tuple(c for c in cell_ids(template) if c in ambiguous),
                    injected=injected, profile=profile)


def _features(rng: random.Random, template: str, layout: str, wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    allowed = set(FEATURES)
    if layout not in _BLANK_VISIBLE:
        allowed.discard("blanks")
    if layout in ("html", "stream", "glued"):
        allowed.discard("noise")  # OCR garbage does not occur in web pages or their crawls
    if template != "2021":
        allowed.discard("single_other")
    if wanted is not None:
        return tuple(f for f in FEATURES if f in wanted and f in allowed)
    return tuple(f for f, p in FEATURES.items() if f in allowed and rng.random() < p)


def _style_features(style: Style) -> tuple[str, ...]:
    flags = {"total_first": style.p3_header == "grid", "vertical_header": style.vertical_p4_header,
             "vertical_group": style.vertical_group, "broken_labels": style.broken_labels}
    return tuple(name for name, on in flags.items() if on)


def _token(spec: CellSpec, value: int | float, rng: random.Random) -> str:
    """The value as a report prints it; parsing it back gives exactly ``value``."""
    if spec.is_money:
        amount = Decimal(repr(float(value))).normalize()
        text = format(amount, "f")
        if spec.template == "2021" or not value:
            return text  # the 2021 header says 万元; a zero needs no unit
        style = rng.random()
        if style < 0.4:
            return f"{text} 万元"
        if style < 0.7:
            return f"{text}万元"
        return f"{int(amount * 10000)}元"
    if spec.signed and value > 0 and rng.random() < 0.5:
        return f"+{value}"
    return str(value)


def _cell(grids: list[Grid], cell_id: str) -> GCell:
    for grid in grids:
        for row in grid.rows:
            for cell in row.cells:
                if cell.cell_id == cell_id:
                    return cell
    raise KeyError(cell_id)


def _blank_ids(values: dict[str, Value], template: str, rng: random.Random) -> list[str]:
    """Cells printed blank: a whole zero 表四 block (sample 003), 表三 总计 cells (Shanghai 2019), or 表二 zeros."""
    options: list[list[str]] = []
    for block in P4_BLOCKS:
        ids = [c for c in values if c.startswith(block + ".")]
        if all(values[c] == 0 for c in ids):
            options.append(ids)
    totals = [f"{r}.total" for r in outcome_rows(template) if values[f"{r}.total"] is not None]
    if totals:
        start = rng.randrange(len(totals))
        options.append(totals[start:start + rng.randint(1, 6)])
    zeros = [c for c in values if c.startswith("p2.") and values[c] == 0]
    if zeros:
        options.append(rng.sample(zeros, min(len(zeros), rng.randint(1, 3))))
    return rng.choice(options) if options else []


def _shorten_rows(grids: list[Grid], values: dict[str, Value], ambiguous: set[str], rng: random.Random) -> set[str]:
    """Drop one value from all-zero rows (samples 001, 002, 003): the whole row becomes undecidable."""
    candidates = []
    for grid in grids:
        for row in grid.rows if grid.part != "p2" else ():
            ids = row.ids()
            if row.kind == "data" and ids and all(values[c] == 0 and c not in ambiguous for c in ids):
                candidates.append(row)
    out: set[str] = set()
    for row in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
        out |= set(row.ids())
        values_at = [i for i, c in enumerate(row.cells) if c.value]
        del row.cells[rng.choice(values_at)]
        if rng.random() < 0.5:
            row.cells.insert(0, GCell())  # the label drifts one column right, as in sample 003
    return out


def _truncate(grids: list[Grid], rng: random.Random) -> list[str]:
    """Cut the tables after a random row; returns the ids of every cell lost."""
    positions = [(g, r) for g, grid in enumerate(grids) for r in range(len(grid.rows))]
    data_at = [k for k, (g, r) in enumerate(positions) if grids[g].rows[r].kind == "data"]
    cut = rng.choice(data_at[1:])  # keep at least the first data row; lose at least one
    lost: list[str] = []
    for k in range(len(positions) - 1, cut - 1, -1):
        g, r = positions[k]
        lost += [c for c in grids[g].rows[r].ids()]
        del grids[g].rows[r]
    grids[:] = [g for g in grids if g.rows]
    for grid in grids:
        clip_rowspans(grid)
    return lost


def _garbage(rng: random.Random) -> list[str]:
    tokens = [rng.choice(("1", "11", "70", "111", "11.46", str(rng.randint(2, 99))))]
    for _ in range(rng.randint(2, 8)):
        tokens.append(rng.choice(_JUNK) if rng.random() < 0.55 else str(rng.choice((1, 4, 11, 70, 111))))
    rng.shuffle(tokens)
    return tokens


def _add_noise(grids: list[Grid], rng: random.Random) -> None:
    """OCR garbage lines with digits between a header and its data (sample 002); never values."""
    for grid in rng.sample(grids, rng.randint(1, len(grids))):
        rows = grid.rows
        headers = [i for i, row in enumerate(rows) if row.kind == "header" and i + 1 < len(rows)
                   and rows[i + 1].kind == "data"]  # inside a header block, rowspans would shift
        if headers:
            at = rng.choice(headers) + 1
            grid.rows.insert(at, GRow("noise", [GCell(t) for t in _garbage(rng)]))


def _write(layout: str, rng: random.Random, who: str, year: int, grids: list[Grid], feats: tuple[str, ...],
           ends: bool) -> str:
    w = writer(layout, rng)
    variants = "heading_variants" in feats
    w.title("\n".join(narrative.title(who, year, rng)))
    w.para(narrative.preamble(who, year))
    w.heading(narrative.heading("p1", rng, variants))
    for kind, text in narrative.part1(rng, "internal_headings" in feats):
        (w.heading if kind == "heading" else w.para)(text)
    by_part = {g.part: g for g in grids}
    last = max(("p2", "p3", "p4").index(p) for p in by_part) if by_part else -1
    for i, part in enumerate(("p2", "p3", "p4")):
        if ends and i > last:
            break
        if part in by_part or rng.random() < 0.5:
            w.heading(narrative.heading(part, rng, variants))
        if part in by_part:
            w.table(by_part[part])
    if not ends:
        w.heading(narrative.heading("p5", rng, variants))
        for text in narrative.part5(rng):
            w.para(text)
        w.heading(narrative.heading("p6", rng, variants))
        w.para(narrative.part6(year, rng))
        for line in narrative.signature(who, year, rng):
            w.para(line)
    return w.finish()
