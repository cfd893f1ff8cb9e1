"""The public pipeline: load → parts → metadata and template → read → validate → Result.

Each step is one plain function with typed input and output; nothing reaches backwards.
"""
from __future__ import annotations

from pathlib import Path

from extractor._version import __version__
from extractor.load import Document, load, load_bytes, load_text
from extractor.meta import read_meta
from extractor.narrative import read_narrative
from extractor.parts import preamble_end, split_parts, tables_region
from extractor.readers.dispatch import read_cells
from extractor.settings import Settings
from extractor.structure import part_findings
from extractor.template import detect_template
from extractor.validate import validate_and_settle
from schemas import Provenance, Result


def extract(path: str | Path, settings: Settings | None = None) -> Result:
    """Extract the document at ``path`` into a :class:`Result`.

    A ``str`` is always a path (raw ``bytes`` are still accepted, as :func:`extract_bytes`);
    a report's text goes to :func:`extract_text`."""
    settings = settings or Settings.build()
    return extract_document(load(path, ocr=settings.ocr, ocr_jobs=settings.ocr_jobs), settings)


def extract_bytes(data: bytes, settings: Settings | None = None, *, name: str | None = None) -> Result:
    """Extract a document from its raw bytes (PDF, Word, HTML, text or an image, told by their content)."""
    settings = settings or Settings.build()
    return extract_document(load_bytes(data, name=name, ocr=settings.ocr, ocr_jobs=settings.ocr_jobs), settings)


def extract_text(text: str, settings: Settings | None = None, *, name: str | None = None) -> Result:
    """Extract a report from its text."""
    return extract_document(load_text(text, name=name), settings or Settings.build())


def extract_document(doc: Document, settings: Settings) -> Result:
    parts = split_parts(doc.text)
    meta = read_meta(doc.text, preamble_end(parts))
    detection = detect_template(tables_region(doc.text, parts), meta.year)
    meta.template = detection.template  # type: ignore[assignment]  # detect_template gives '2019', '2021' or None
    backend = settings.resolved_backend()
    reading = read_cells(doc, parts, detection.template, settings)
    if doc.ocr:  # a scan: how surely each value was recognised folds into its cell
        from extractor.ocr.confidence import fold as fold_ocr

        reading.cells = fold_ocr(reading.cells, doc.ocr)
    infos = {k: p.info() for k, p in parts.items()}
    result = Result.build(  # our own data: built, not validated (schemas/base.py)
        source=doc.source,
        meta=meta,
        parts=infos,
        cells=reading.cells,
        findings=[*doc.findings, *detection.findings, *part_findings(parts, reading.cells), *reading.findings],
        narrative=read_narrative(doc.text, infos),
        provenance=Provenance.build(nianbao=__version__, backend=backend, model=reading.model,
                                    prompts=reading.prompts, usage=reading.usage),
    )
    return validate_and_settle(result, doc.text)  # the result is ours alone: no copies
