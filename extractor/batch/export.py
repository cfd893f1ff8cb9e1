"""Rebuild the analysts' tables from the results folder, streaming a chunk of documents at a time.

Everything here is derived from ``results/``, ``errors/``, the inputs index and the review
store's decisions (``extractor.review.apply``), so the tables always agree with the folder,
however many runs (or kills) built it. Each table is written under a temporary name and
moved into place, and ``summary.json`` last, so a kill mid-export leaves the previous
tables whole; the next export (or batch run) writes them all again.
"""
from __future__ import annotations

import ctypes
import json
import os
from collections import Counter, deque
from collections.abc import Callable, Container, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from time import perf_counter, process_time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from extractor.batch import crossyear
from extractor.batch.pool import process_pool
from extractor.batch.store import ResultsFolder
from extractor.batch.summary import Either, KeyStatuses, SortedInputs, SortedKeys, Tally
from extractor.batch.xlsx import parquet_reader, write_xlsx
from extractor.resultsdir import write_atomic
from extractor.review.apply import Provenance, apply_review, decisions_by_key
from extractor.review.store import Event
from schemas import Result, cell_ids, specs

_DOC = [("key", pa.string()), ("path", pa.string()), ("issuer", pa.string()), ("year", pa.int32()),
        ("template", pa.string())]
_LABELS = ("part", "table", "row", "column", "unit")
_CELL = [("cell", pa.string()), *((name, pa.string()) for name in _LABELS)]
# A reviewed cell's provenance: the decision and the value and span the readers gave.
REVIEW = [("review_action", pa.string()), ("reviewer", pa.string()), ("reviewed_at", pa.string()),
          ("review_reason", pa.string()), ("original_value", pa.float64()),
          ("original_span_start", pa.int32()), ("original_span_end", pa.int32())]
LONG = pa.schema([*_DOC, *_CELL,
                  ("value", pa.float64()), ("status", pa.string()), ("confidence", pa.float64()), *REVIEW])
# Value columns are float64: money is decimal 万元; every other cell holds a whole number.
WIDE = pa.schema([*_DOC, ("cells_ok", pa.int32()), ("cells_flagged", pa.int32()), ("cells_missing", pa.int32()),
                  ("cells_corrected", pa.int32()), *((cid, pa.float64()) for cid in cell_ids(None))])
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


def export_tables(folder: ResultsFolder, inputs: dict[str, str] | SortedInputs, last_run: dict, workers: int = 1,
                  xlsx: bool = True) -> dict:
    """Write cells, cells_wide, findings, inputs, cells.xlsx (unless ``xlsx`` is false: then an
    old one is removed, so it never disagrees with the tables) and summary; return the summary.

    Review decisions in force are applied to the documents they concern (status
    ``corrected``, provenance columns). The rows are built ``CHUNK`` documents at a time, on
    ``workers`` processes when there is more than one chunk, and written in key order
    whatever the number of workers."""
    started, tally, worker_cpu = perf_counter(), Tally(), 0.0
    give_back_memory()  # what the batch freed: the tables' buffers start from less
    if not isinstance(inputs, SortedInputs):  # a caller that wants the dict's memory back passes SortedInputs
        inputs = SortedInputs(inputs)
    result_keys = SortedKeys(folder.result_keys())  # one string, not a list of them
    tally.status_of_key = KeyStatuses(result_keys)  # a byte a report, not a dict entry
    decisions, last_event = decisions_by_key(folder.root)
    chunks = _Chunks(result_keys, CHUNK)
    moves: list[tuple[Path, Path]] = []  # (temporary, final): every output is moved into place at the end
    with _Table(folder.root, "findings", FINDINGS, parquet=False, moves=moves) as findings:
        with _Table(folder.root, "cells", LONG, moves=moves) as long, \
                _Table(folder.root, "cells_wide", WIDE, moves=moves) as wide:
            for piece, elsewhere in _in_order(partial(rows, folder.root, decisions), chunks, workers):
                worker_cpu += piece.cpu_seconds if elsewhere else 0.0
                long.write(piece.long)
                wide.write(piece.wide)
                findings.write(piece.findings)
                tally.merge(piece.tally)
        # Years are paired from the wide table just written: nothing per report is kept for it.
        _add_cross_year(folder, _docs(wide.parquet_path), findings, tally, decisions)
    errors = {}
    for key in folder.error_keys():
        if key not in tally.status_of_key:
            errors[key] = folder.read_error(key)
            tally.add_error(errors[key])
    _write_inputs(folder.root, inputs, tally.status_of_key, errors, moves)
    if xlsx:
        give_back_memory()  # Arrow's freed row buffers: the workbook is built from Python objects
        written = {final.name: tmp for tmp, final in moves}
        book = folder.root / f".cells.xlsx.{os.getpid()}.tmp"
        write_xlsx(folder.root, target=book, sources={name: written[f"{name}{suffix}"] for name, suffix in
                                                      (("cells", ".parquet"), ("cells_wide", ".parquet"),
                                                       ("findings", ".csv"))})
        moves.append((book, folder.root / "cells.xlsx"))
    last_run["seconds"]["export"] = perf_counter() - started
    last_run["export_worker_cpu_seconds"] = worker_cpu
    tally.review_last_event = last_event
    summary = tally.as_dict(inputs, Either(tally.status_of_key, errors), last_run, errors)
    # Nothing is replaced until every output is whole; summary.json (which names the last review
    # event the tables include) goes last.
    for tmp, final in moves:
        os.replace(tmp, final)
    if not xlsx:
        (folder.root / "cells.xlsx").unlink(missing_ok=True)
    write_atomic(folder.root / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary


def give_back_memory() -> None:
    """Return freed memory to the system: Arrow's allocator and glibc's keep freed pages for
    reuse, which Python's own objects cannot use (the next step's peak would come on top)."""
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(None).malloc_trim(0)  # glibc; other C libraries have no such call
    except (AttributeError, OSError):
        pass


@dataclass(slots=True)
class Rows:
    """The table rows of some documents, and what the summary needs of them."""

    long: pa.RecordBatch
    wide: pa.RecordBatch
    findings: pa.RecordBatch
    tally: Tally
    cpu_seconds: float  # building them


def rows(root: Path, decisions: dict[str, dict[str, Event]], keys: list[str]) -> Rows:
    """Rows of the results ``keys`` in ``root``, with the review ``decisions`` ({key: {cell:
    event}}) applied (run in a worker process: everything here is picklable)."""
    cpu, folder, tally = process_time(), ResultsFolder(root), Tally()
    long, wide, findings = _Long(), _Columns(WIDE), _Columns(FINDINGS)
    for key in keys:
        result = folder.read_result(key)
        reviewed: dict[str, Provenance] = {}
        if key in decisions:
            result, reviewed = _reviewed(folder, key, result, decisions[key])
            tally.add_review(reviewed)
        meta = result["meta"]
        doc = (key, result["source"].get("path"), meta.get("issuer"), meta.get("year"), meta.get("template"))
        cells = result["cells"]
        statuses = long.add(doc, cells, reviewed)
        counts = Counter(statuses)
        wide.add((*doc, counts["ok"], counts["flagged"], counts["missing"], counts["corrected"],
                  *map({cid: c.get("value") for cid, c in cells.items()}.get, cell_ids(None))))
        for f in result.get("findings") or []:
            findings.add(_finding_row(doc, f))
        tally.add_result(result, key)
    return Rows(long.batch(), wide.batch(), findings.batch(), tally, process_time() - cpu)


def _reviewed(folder: ResultsFolder, key: str, result: dict,
              events: dict[str, Event]) -> tuple[dict, dict[str, Provenance]]:
    text_path = folder.texts / f"{key}.txt"
    text = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
    reviewed, provenance = apply_review(Result.model_validate(result), events, text)
    return reviewed.model_dump(mode="json"), provenance


class _Chunks:
    """``keys`` ``size`` at a time, each chunk made as it is reached."""

    def __init__(self, keys: SortedKeys, size: int):
        self.keys, self.size = keys, size

    def __len__(self) -> int:
        return -(-len(self.keys) // self.size)

    def __iter__(self) -> Iterator[list[str]]:
        for start in range(0, len(self.keys), self.size):
            yield self.keys.slice(start, start + self.size)


def _in_order(work: Callable[[list[str]], Rows], chunks: _Chunks | list[list[str]],
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


def _docs(wide: Path) -> Iterator[tuple[str, str | None, int | None]]:
    """``(key, issuer, year)`` of each report in the wide table ``wide``, read a batch at a time."""
    for batch in parquet_reader(wide).iter_batches(4096, columns=["key", "issuer", "year"], use_threads=False):
        yield from zip(*(column.to_pylist() for column in batch.columns))


def _add_cross_year(folder: ResultsFolder, docs: Iterable[tuple], findings: _Table, tally: Tally,
                    decisions: dict[str, dict[str, Event]]) -> None:
    found_pairs, tally.several_per_issuer_year = crossyear.pairs(docs)
    for prev_key, cur_key in found_pairs:
        previous, current = (_result(folder, k, decisions.get(k)) for k in (prev_key, cur_key))
        found = [f.model_dump() for f in crossyear.chain_findings(current, previous)]
        meta = current.meta
        doc = (cur_key, current.source.path, meta.issuer, meta.year, meta.template)
        for f in found:
            findings.add(_finding_row(doc, f, prev_key))
        tally.add_pair((meta.template, previous.meta.template), found)


def _result(folder: ResultsFolder, key: str, events: dict[str, Event] | None) -> Result:
    result = Result.model_validate_json(folder.read_result_text(key))
    if events:
        text_path = folder.texts / f"{key}.txt"
        result = apply_review(result, events, text_path.read_text(encoding="utf-8") if text_path.exists() else "")[0]
    return result


def _write_inputs(root: Path, inputs: SortedInputs, ok: Container[str], errors: dict[str, dict],
                  moves: list[tuple[Path, Path]] | None = None) -> None:
    with _Table(root, "inputs", INPUTS, parquet=False, moves=moves) as table:
        for path, key in inputs.items():
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
        self.review: list[list] = [[] for _ in REVIEW]
        self._label_row: dict[tuple[str | None, str], int] = {}  # (template, cell id) → row in labels
        self._contract: dict[str | None, tuple[tuple[str, ...], list[int]]] = {}  # template → its ids, their rows

    def add(self, doc: tuple, cells: dict, reviewed: dict[str, Provenance]) -> list[str]:
        """Add a document's cells, with the provenance of the ``reviewed`` ones; return their statuses."""
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
        if not reviewed:
            for column in self.review:
                column.extend([None] * len(cells))
            return statuses
        for cid in cells:
            p = reviewed.get(cid)
            span = p.original_span if p and p.original_span else (None, None)
            row = (p.action, p.reviewer, p.at, p.reason, p.original_value, *span) if p else (None,) * len(REVIEW)
            for column, value in zip(self.review, row):
                column.append(value)
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
                   pa.array(self.confidences, pa.float64()),
                   *(pa.array(values, type) for values, (_, type) in zip(self.review, REVIEW))]
        return pa.RecordBatch.from_arrays(columns, schema=LONG)


# Text a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @ tab CR first.
_FORMULA_LIKE = r"^[=+\-@\t\r]"


def neutralised(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` for a CSV file: text that starts like a formula gets a leading apostrophe, as
    OWASP recommends, so Excel and WPS show it as text; numbers stay numbers. (Parquet keeps
    the text as it is: it is not opened by spreadsheets.)"""
    columns = list(batch.columns)
    for i, field in enumerate(batch.schema):
        if pa.types.is_string(field.type) and columns[i].null_count < len(columns[i]):
            risky = pc.fill_null(pc.match_substring_regex(columns[i], _FORMULA_LIKE), False)
            if pc.any(risky).as_py():
                columns[i] = pc.if_else(risky, pc.binary_join_element_wise("'", columns[i], ""), columns[i])
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


class _Table:
    """``name.csv`` (and ``name.parquet``) streamed batch by batch under a temporary name,
    moved into place once whole, or, with ``moves``, listed there as (temporary, final) for
    the caller to move."""

    def __init__(self, root: Path, name: str, schema: pa.Schema, parquet: bool = True, group_rows: int = 1 << 14,
                 moves: list[tuple[Path, Path]] | None = None):
        self.root, self.name, self.schema, self.moves = root, name, schema, moves
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

    @property
    def parquet_path(self) -> Path:
        """The Parquet file being written (whole once the table is closed)."""
        return self._tmp(".parquet")

    def add(self, row: tuple) -> None:
        self.rows.add(row)
        if len(self.rows) >= self.group_rows:
            self.write(self.rows.batch())

    def write(self, batch: pa.RecordBatch) -> None:
        if len(self.rows):  # rows added before come first
            self.write(self.rows.batch())
        if batch.num_rows:
            self._csv.write_batch(neutralised(batch))
            if self._parquet:
                self._pending.append(batch)
                self._pending_rows += batch.num_rows
                if self._pending_rows >= self.parquet_rows:
                    self._flush_parquet()

    def _flush_parquet(self) -> None:
        if self._pending:
            self._parquet.write_table(pa.Table.from_batches(self._pending), row_group_size=self._pending_rows)  # type: ignore[union-attr]  # only batches for a parquet writer are pending
            self._pending, self._pending_rows = [], 0

    def __enter__(self) -> _Table:
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
            done = [(self._tmp(".csv"), self.root / f"{self.name}.csv")]
            if self._parquet:
                done.append((self._tmp(".parquet"), self.root / f"{self.name}.parquet"))
            if self.moves is None:
                for tmp, final in done:
                    os.replace(tmp, final)
            else:
                self.moves.extend(done)
