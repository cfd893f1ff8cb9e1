"""Pydantic schemas of nianbao: pure models and deterministic field checks, no I/O.

- :mod:`schemas.cells` — the public cell registry (``cells.tsv``).
- :mod:`schemas.tables` — parts 二, 三, 四 per template.
- :mod:`schemas.narrative` — metadata and parts 一, 五, 六.
- :mod:`schemas.report` — whole reports per template; :func:`flatten` to cell ids.
- :mod:`schemas.result` — the extraction result (the public JSON output).

Names are imported on first use (PEP 562): building a pydantic model costs time at import,
and a text extract needs the result models only, not the per-template report models.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_HOME = {  # public name → the module that defines it
    **dict.fromkeys(("CellSpec", "all_cells", "cell_ids", "specs"), "schemas.cells"),
    **dict.fromkeys(("Figure", "Meta", "Part1", "Part5", "Part6"), "schemas.narrative"),
    **dict.fromkeys(("REPORT_MODELS", "Report2019", "Report2021", "flatten", "unflatten"), "schemas.report"),
    **dict.fromkeys(("Cell", "Finding", "PartInfo", "Provenance", "Repair", "Result", "Source", "Usage"),
                    "schemas.result"),
}
__all__ = sorted(_HOME)

if TYPE_CHECKING:
    from schemas.cells import CellSpec, all_cells, cell_ids, specs
    from schemas.narrative import Figure, Meta, Part1, Part5, Part6
    from schemas.report import REPORT_MODELS, Report2019, Report2021, flatten, unflatten
    from schemas.result import Cell, Finding, PartInfo, Provenance, Repair, Result, Source, Usage


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'schemas' has no attribute {name!r}")
    value = getattr(import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
