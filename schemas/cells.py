"""The public cell registry: every numeric cell of the mandated tables (``cells.tsv``).

``cells.tsv`` is the data contract shared with other tools and with our evals; it is
bundled here unchanged. A cell is keyed by ``(id, template)``: three ids exist once for
each template because their label differs slightly between the 2019 and 2021 formats.
"""
from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

Template = Literal["2019", "2021"]
TEMPLATES: tuple[Template, ...] = ("2019", "2021")


class CellSpec(NamedTuple):
    id: str
    template: str  # "2019", "2021" or "both"
    part: str  # 二 / 三 / 四
    table: str
    row: str  # official Chinese row label
    column: str  # official Chinese column label
    unit: str  # 件 / 项 / 万元

    @property
    def is_money(self) -> bool:
        return self.unit == "万元"

    @property
    def signed(self) -> bool:
        return self.column == "本年增/减"

    def applies_to(self, template: str) -> bool:
        return self.template in (template, "both")


@cache
def all_cells() -> tuple[CellSpec, ...]:
    # Beside this module in every install (package data); importlib.resources would cost ~50M
    # instructions of each start-up (it imports tempfile, shutil, zipfile …).
    text = Path(__file__).with_name("cells.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    return tuple(CellSpec(**row) for row in rows)


@cache
def cell_ids(template: str | None) -> tuple[str, ...]:
    """Ids of one template in contract order; ``None`` gives the union of both."""
    if template is None:
        seen: dict[str, None] = {}
        for spec in all_cells():
            seen.setdefault(spec.id, None)
        return tuple(seen)
    return tuple(s.id for s in all_cells() if s.applies_to(template))


@cache
def specs(template: str | None) -> dict[str, CellSpec]:
    """``{id: CellSpec}`` for one template (first spec wins for the union)."""
    out: dict[str, CellSpec] = {}
    for spec in all_cells():
        if template is None or spec.applies_to(template):
            out.setdefault(spec.id, spec)
    return out
