"""Pydantic schemas of nianbao: pure models and deterministic field checks, no I/O.

- :mod:`schemas.cells` — the public cell registry (``cells.tsv``).
- :mod:`schemas.tables` — parts 二, 三, 四 per template.
- :mod:`schemas.narrative` — metadata and parts 一, 五, 六.
- :mod:`schemas.report` — whole reports per template; :func:`flatten` to cell ids.
- :mod:`schemas.result` — the extraction result (the public JSON output).
"""
from schemas.cells import CellSpec, all_cells, cell_ids, specs
from schemas.narrative import Figure, Meta, Part1, Part5, Part6
from schemas.report import REPORT_MODELS, Report2019, Report2021, flatten, unflatten
from schemas.result import Cell, Finding, PartInfo, Provenance, Repair, Result, Source, Usage

__all__ = [
    "Cell", "CellSpec", "Figure", "Finding", "Meta", "Part1", "Part5", "Part6", "PartInfo",
    "Provenance", "REPORT_MODELS", "Repair", "Report2019", "Report2021", "Result", "Source",
    "Usage", "all_cells", "cell_ids", "flatten", "specs", "unflatten",
]
