"""Rebuild the analysts' tables from the results folder, streaming a chunk of documents at a time.

Everything here is derived from ``results/``, ``errors/`` and the inputs index, so the
tables always agree with the folder, however many runs (or kills) built it. Each table is
written under a temporary name and moved into place, so a kill mid-export leaves the
previous tables whole.
"""
from __future__ import annotations

import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from time import perf_counter, process_time

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from extractor.batch import crossyear
from extractor.batch.pool import process_pool
from extractor.batch.store import ResultsFolder
from extractor.resultsdir import write_atomic
from extractor.batch.summary import Tally
from schemas import Result, cell_ids, specs

_DOC = [("key", pa.string()), ("path", pa.string()), ("issuer", pa.string()), ("year", pa.int32()),
        ("template", pa.string())]
_LABELS = ("part", "table", "row", "column", "unit")
_CELL = [("cell", pa.string()), *((name, pa.string()) for name in _LABELS)]
LONG = pa.schema([*_DOC, *_CELL,
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


PARQUET_CELLS = 1 << 20  # values per Parquet row group (about 8 MiB of float64): 4,481 documents of cells_wide
CHUNK = 256  # documents per piece of work: a few MiB of rows, so memory stays flat in N


def export_tables(folder: ResultsFolder, inputs: dict[str, str], last_run: dict, workers: int = 1) -> dict:
    """Write cells, cells_wide, findings, inputs and summary; return the summary.

    The rows are built ``CHUNK`` documents at a time, on ``workers`` processes when there is
    more than one chunk, and written in key order whatever the number of workers."""
    started, tally, worker_cpu = perf_counter(), Tally(), 0.0
    docs: list[tuple[str, str | None, int | None]] = []  # (key, issuer, year), to pair years
    result_keys = folder.result_keys()
    chunks = [result_keys[i:i + CHUNK] for i in range(0, len(result_keys), CHUNK)]
    with _Table(folder.root, "cells", LONG) as long, _Table(folder.root, "cells_wide", WIDE) as wide, \
            _Table(folder.root, "findings", FINDINGS, parquet=False) as findings:
        for piece, elsewhere in _in_order(partial(rows, folder.root), chunks, workers):
            worker_cpu += piece.cpu_seconds if elsewhere else 0.0
            long.write(piece.long)
            wide.write(piece.wide)
            findings.write(piece.findings)
            tally.merge(piece.tally)
            docs.extend(piece.docs)
        _add_cross_year(folder, docs, findings, tally)
    errors = {}
    for key in set(folder.error_keys()) - set(result_keys):
        errors[key] = folder.read_error(key)
        tally.add_error(errors[key])
    accounted = set(result_keys) | errors.keys()
    _write_inputs(folder.root, inputs, set(result_keys), errors)
    last_run["seconds"]["export"] = perf_counter() - started
    last_run["export_worker_cpu_seconds"] = worker_cpu
    summary = tally.as_dict(inputs, accounted, last_run)
    write_atomic(folder.root / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary


@dataclass(slots=True)
class Rows:
    """The table rows of some documents, and what the summary and the cross-year pairing need of them."""

    long: pa.RecordBatch
    wide: pa.RecordBatch
    findings: pa.RecordBatch
    tally: Tally
    docs: list[tuple[str, str | None, int | None]]
    cpu_seconds: float  # building them


def rows(root: Path, keys: list[str]) -> Rows:
    """Rows of the results ``keys`` in ``root`` (run in a worker process: everything here is picklable)."""
    cpu, folder, tally, docs = process_time(), ResultsFolder(root), Tally(), []
    long, wide, findings = _Long(), _Columns(WIDE), _Columns(FINDINGS)
    for key in keys:
        result = folder.read_result(key)
        meta = result["meta"]
        doc = (key, result["source"].get("path"), meta.get("issuer"), meta.get("year"), meta.get("template"))
        docs.append((key, meta.get("issuer"), meta.get("year")))
        cells = result["cells"]
        statuses = long.add(doc, cells)
        counts = Counter(statuses)
        wide.add((*doc, counts["ok"], counts["flagged"], counts["missing"],
                  *map({cid: c.get("value") for cid, c in cells.items()}.get, cell_ids(None))))
        for f in result.get("findings") or []:
            findings.add(_finding_row(doc, f))
        tally.add_result(result)
    return Rows(long.batch(), wide.batch(), findings.batch(), tally, docs, process_time() - cpu)


def _in_order(work: Callable[[list[str]], Rows], chunks: list[list[str]],
              workers: int) -> Iterator[tuple[Rows, bool]]:
    """``(work(chunk), whether it ran in a worker process)`` for each chunk, in the chunks'
    order; at most two chunks per worker wait in memory."""
    if workers < 2 or len(chunks) < 2:
        for chunk in chunks:
            yield work(chunk), False
        return
    with process_pool(min(workers, len(chunks))) as pool:
        ahead: deque[Future] = deque()
        for chunk in chunks:
            ahead.append(pool.submit(work, chunk))
            if len(ahead) >= 2 * workers:
                yield ahead.popleft().result(), True
        while ahead:
            yield ahead.popleft().result(), True


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


class _Columns:
    """Rows gathered column by column (``extend``) or row by row (``add``) into one record batch."""

    def __init__(self, schema: pa.Schema):
        self.schema = schema
        self.columns: list[list] = [[] for _ in schema]

    def __len__(self) -> int:
        return len(self.columns[0])

    def add(self, row: tuple) -> None:
        for column, value in zip(self.columns, row):
            column.append(value)

    def extend(self, columns: list[list]) -> None:
        for column, values in zip(self.columns, columns):
            column.extend(values)

    def batch(self) -> pa.RecordBatch:
        batch = pa.RecordBatch.from_arrays(
            [pa.array(values, type=field.type) for values, field in zip(self.columns, self.schema)], schema=self.schema)
        self.columns = [[] for _ in self.schema]
        return batch


class _Long:
    """Rows of ``cells``: each row's document and labels are kept as an index into a small table of
    documents and one of labels, which Arrow expands (the labels repeat for every document)."""

    def __init__(self) -> None:
        self.docs, self.labels = _Columns(pa.schema(_DOC)), _Columns(pa.schema(_CELL))
        self.doc_of: list[int] = []
        self.label_of: list[int] = []
        self.values: list = []
        self.statuses: list = []
        self.confidences: list = []
        self._label_row: dict[tuple[str | None, str], int] = {}  # (template, cell id) → row in labels
        self._contract: dict[str | None, tuple[tuple[str, ...], list[int]]] = {}  # template → its ids, their rows

    def add(self, doc: tuple, cells: dict) -> list[str]:
        """Add a document's cells; return their statuses."""
        self.doc_of.extend([len(self.docs)] * len(cells))
        self.docs.add(doc)
        ids, rows = self._contract_rows(doc[4])
        if tuple(cells) == ids:
            self.label_of.extend(rows)
        else:  # not the contract's ids in its order: label cell by cell
            self.label_of.extend(self._row(doc[4], cid) for cid in cells)
        statuses = [c.get("status") for c in cells.values()]
        self.values.extend(c.get("value") for c in cells.values())
        self.statuses.extend(statuses)
        self.confidences.extend(c.get("confidence") for c in cells.values())
        return statuses

    def _contract_rows(self, template: str | None) -> tuple[tuple[str, ...], list[int]]:
        if template not in self._contract:
            ids = cell_ids(template)
            self._contract[template] = ids, [self._row(template, cid) for cid in ids]
        return self._contract[template]

    def _row(self, template: str | None, cid: str) -> int:
        if (template, cid) not in self._label_row:
            spec = specs(template).get(cid)
            self._label_row[template, cid] = len(self.labels)
            self.labels.add((cid, *(getattr(spec, name) if spec else None for name in _LABELS)))
        return self._label_row[template, cid]

    def batch(self) -> pa.RecordBatch:
        docs, labels = self.docs.batch(), self.labels.batch()
        doc_of, label_of = pa.array(self.doc_of, pa.int32()), pa.array(self.label_of, pa.int32())
        columns = [*(c.take(doc_of) for c in docs.columns), *(c.take(label_of) for c in labels.columns),
                   pa.array(self.values, pa.float64()), pa.array(self.statuses, pa.string()),
                   pa.array(self.confidences, pa.float64())]
        return pa.RecordBatch.from_arrays(columns, schema=LONG)


class _Table:
    """``name.csv`` (and ``name.parquet``) streamed batch by batch under a temporary name,
    moved into place once whole."""

    def __init__(self, root: Path, name: str, schema: pa.Schema, parquet: bool = True, group_rows: int = 1 << 14):
        self.root, self.name, self.schema = root, name, schema
        self.rows, self.group_rows = _Columns(schema), group_rows  # add()ed rows, written in groups
        self._csv_file = open(self._tmp(".csv"), "wb")
        self._csv_file.write(BOM)
        self._csv = pacsv.CSVWriter(self._csv_file, schema)
        self._parquet = pq.ParquetWriter(self._tmp(".parquet"), schema) if parquet else None
        # Parquet keeps every row group's metadata until the file closes (~1 KiB per column): the
        # wide table's 256-document batches made that ~1 KiB per document. Row groups of about
        # PARQUET_CELLS values instead: a bounded buffer, and a handful of row groups at 50,000 documents.
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows, self.parquet_rows = 0, max(1, PARQUET_CELLS // len(schema))

    def _tmp(self, suffix: str) -> Path:
        return self.root / f".{self.name}{suffix}.{os.getpid()}.tmp"

    def add(self, row: tuple) -> None:
        self.rows.add(row)
        if len(self.rows) >= self.group_rows:
            self.write(self.rows.batch())

    def write(self, batch: pa.RecordBatch) -> None:
        if len(self.rows):  # rows added before come first
            self.write(self.rows.batch())
        if batch.num_rows:
            self._csv.write_batch(batch)
            if self._parquet:
                self._pending.append(batch)
                self._pending_rows += batch.num_rows
                if self._pending_rows >= self.parquet_rows:
                    self._flush_parquet()

    def _flush_parquet(self) -> None:
        if self._pending:
            self._parquet.write_table(pa.Table.from_batches(self._pending), row_group_size=self._pending_rows)
            self._pending, self._pending_rows = [], 0

    def __enter__(self) -> "_Table":
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None and len(self.rows):
            self.write(self.rows.batch())
        if exc_type is None and self._parquet:
            self._flush_parquet()
        self._csv.close()
        self._csv_file.close()
        if self._parquet:
            self._parquet.close()
        if exc_type is None:
            os.replace(self._tmp(".csv"), self.root / f"{self.name}.csv")
            if self._parquet:
                os.replace(self._tmp(".parquet"), self.root / f"{self.name}.parquet")
