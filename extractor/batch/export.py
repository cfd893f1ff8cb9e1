"""Rebuild the analysts' tables from the results folder, streaming one document at a time.

Everything here is derived from ``results/``, ``errors/`` and the inputs index, so the
tables always agree with the folder, however many runs (or kills) built it. Each table is
written under a temporary name and moved into place, so a kill mid-export leaves the
previous tables whole.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from functools import cache
from pathlib import Path
from time import perf_counter

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from extractor.batch import crossyear
from extractor.batch.store import ResultsFolder
from extractor.resultsdir import write_atomic
from extractor.batch.summary import Tally
from schemas import Result, cell_ids, specs

_DOC = [("key", pa.string()), ("path", pa.string()), ("issuer", pa.string()), ("year", pa.int32()),
        ("template", pa.string())]
_LABELS = ("part", "table", "row", "column", "unit")
LONG = pa.schema([*_DOC, ("cell", pa.string()), *((name, pa.string()) for name in _LABELS),
                  ("value", pa.float64()), ("status", pa.string()), ("confidence", pa.float64())])
# Value columns are float64: money is decimal 万元; every other cell holds a whole number.
WIDE = pa.schema([*_DOC, ("cells_ok", pa.int32()), ("cells_flagged", pa.int32()), ("cells_missing", pa.int32()),
                  *((cid, pa.float64()) for cid in cell_ids(None))])
FINDINGS = pa.schema([*_DOC, *((name, pa.string()) for name in ("rule", "check", "severity", "cells", "message")),
                      ("expected", pa.float64()), ("actual", pa.float64()), ("repair_cell", pa.string()),
                      ("repair_value", pa.float64()),
                      *((name, pa.string()) for name in ("cause", "blocked_by", "previous_key"))])
# Excel shows the Chinese labels of a UTF-8 CSV only after a byte-order mark; pandas and
# DuckDB read past it (Python's csv module: open with encoding="utf-8-sig").
BOM = "\ufeff".encode()
INPUTS = pa.schema([(name, pa.string()) for name in ("path", "key", "outcome", "message")])


def export(folder: ResultsFolder, inputs: dict[str, str], last_run: dict) -> dict:
    """Write cells, cells_wide, findings, inputs and summary; return the summary."""
    started, tally = perf_counter(), Tally()
    docs: list[tuple[str, str | None, int | None]] = []  # (key, issuer, year), to pair years
    with _Table(folder.root, "cells", LONG) as long, _Table(folder.root, "cells_wide", WIDE) as wide, \
            _Table(folder.root, "findings", FINDINGS, parquet=False) as findings:
        result_keys = folder.result_keys()
        for key in result_keys:
            result = folder.read_result(key)
            meta = result["meta"]
            doc = (key, result["source"].get("path"), meta.get("issuer"), meta.get("year"), meta.get("template"))
            docs.append((key, meta.get("issuer"), meta.get("year")))
            _add_cells(long, wide, doc, result["cells"])
            for f in result.get("findings") or []:
                findings.add(_finding_row(doc, f))
            tally.add_result(result)
        _add_cross_year(folder, docs, findings, tally)
    errors = {}
    for key in set(folder.error_keys()) - set(result_keys):
        errors[key] = folder.read_error(key)
        tally.add_error(errors[key])
    accounted = set(result_keys) | errors.keys()
    _write_inputs(folder.root, inputs, set(result_keys), errors)
    last_run["seconds"]["export"] = perf_counter() - started
    summary = tally.as_dict(inputs, accounted, last_run)
    write_atomic(folder.root / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary


def _add_cells(long: "_Table", wide: "_Table", doc: tuple, cells: dict) -> None:
    ids, labels = _label_columns(doc[4])
    n = len(cells)
    if tuple(cells) != ids:  # not the contract's ids in its order: label cell by cell
        spec = specs(doc[4])
        labels = [[getattr(spec[cid], name) if cid in spec else None for cid in cells] for name in _LABELS]
    values = [c.get("value") for c in cells.values()]
    statuses = [c.get("status") for c in cells.values()]
    long.extend([*([v] * n for v in doc), list(cells), *labels, values, statuses,
                 [c.get("confidence") for c in cells.values()]])
    counts = Counter(statuses)
    wide.add((*doc, counts["ok"], counts["flagged"], counts["missing"],
              *map(dict(zip(cells, values)).get, cell_ids(None))))


@cache
def _label_columns(template: str | None) -> tuple[tuple[str, ...], list[list[str]]]:
    spec, ids = specs(template), cell_ids(template)
    return ids, [[getattr(spec[cid], name) for cid in ids] for name in _LABELS]


def _finding_row(doc: tuple, f: dict, previous_key: str | None = None) -> tuple:
    repair = f.get("repair") or {}
    return (*doc, f.get("rule"), f.get("check"), f.get("severity"), ";".join(f.get("cells") or []) or None,
            f.get("message"), f.get("expected"), f.get("actual"), repair.get("cell"), repair.get("value"),
            f.get("cause"), ";".join(f.get("blocked_by") or []) or None, previous_key)


def _add_cross_year(folder: ResultsFolder, docs: list[tuple], findings: "_Table", tally: Tally) -> None:
    found_pairs, tally.several_per_issuer_year = crossyear.pairs(docs)
    for prev_key, cur_key in found_pairs:
        previous, current = (Result.model_validate_json(folder.read_result_text(k)) for k in (prev_key, cur_key))
        found = [f.model_dump() for f in crossyear.chain_findings(current, previous)]
        meta = current.meta
        doc = (cur_key, current.source.path, meta.issuer, meta.year, meta.template)
        for f in found:
            findings.add(_finding_row(doc, f, prev_key))
        tally.add_pair((meta.template, previous.meta.template), found)


def _write_inputs(root: Path, inputs: dict[str, str], ok: set[str], errors: dict[str, dict]) -> None:
    with _Table(root, "inputs", INPUTS, parquet=False) as table:
        for path, key in sorted(inputs.items()):
            if key in ok:
                table.add((path, key, "ok", None))
            elif key in errors:
                table.add((path, key, errors[key].get("reason"), errors[key].get("message")))
            else:
                table.add((path, key, "pending", "not processed yet: run the batch again"))


class _Table:
    """``name.csv`` (and ``name.parquet``) built column by column and streamed in row groups."""

    def __init__(self, root: Path, name: str, schema: pa.Schema, parquet: bool = True, group_cells: int = 1 << 18):
        self.root, self.name, self.schema = root, name, schema
        self.group_rows = max(1024, group_cells // len(schema))  # memory per group stays flat in N
        self._columns: list[list] = [[] for _ in schema]  # filled by extend()
        self._rows: list[tuple] = []  # filled by add()
        self._csv_file = open(self._tmp(".csv"), "wb")
        self._csv_file.write(BOM)
        self._csv = pacsv.CSVWriter(self._csv_file, schema)
        self._parquet = pq.ParquetWriter(self._tmp(".parquet"), schema) if parquet else None

    def _tmp(self, suffix: str) -> Path:
        return self.root / f".{self.name}{suffix}.{os.getpid()}.tmp"

    def add(self, row: tuple) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.group_rows:
            self._flush()

    def extend(self, columns: list[list]) -> None:
        for column, values in zip(self._columns, columns):
            column.extend(values)
        if len(self._columns[0]) >= self.group_rows:
            self._flush()

    def _flush(self) -> None:
        columns = list(zip(*self._rows)) if self._rows else self._columns
        if columns and columns[0]:
            batch = pa.RecordBatch.from_arrays(
                [pa.array(values, type=field.type) for values, field in zip(columns, self.schema)], schema=self.schema)
            self._csv.write_batch(batch)
            if self._parquet:
                self._parquet.write_batch(batch)
        self._columns, self._rows = [[] for _ in self.schema], []

    def __enter__(self) -> "_Table":
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None:
            self._flush()
        self._csv.close()
        self._csv_file.close()
        if self._parquet:
            self._parquet.close()
        if exc_type is None:
            os.replace(self._tmp(".csv"), self.root / f"{self.name}.csv")
            if self._parquet:
                os.replace(self._tmp(".parquet"), self.root / f"{self.name}.parquet")
