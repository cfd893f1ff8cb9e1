"""The public pipeline: load → parts → metadata and template → read → validate → Result.

Each step is one plain function with typed input and output; nothing reaches backwards.
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

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

try:
    __version__ = version("nianbao")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"


def extract(path: str | Path, settings: Settings | None = None) -> Result:
    """Extract the document at ``path`` into a :class:`Result`.

    A ``str`` is always a path (raw ``bytes`` are still accepted, as :func:`extract_bytes`);
    a report's text goes to :func:`extract_text`."""
    return extract_document(load(path), settings or Settings())


def extract_bytes(data: bytes, settings: Settings | None = None, *, name: str | None = None) -> Result:
    """Extract a document from its raw bytes (PDF, Word, HTML or text, told by their magic number)."""
    return extract_document(load_bytes(data, name=name), settings or Settings())


def extract_text(text: str, settings: Settings | None = None, *, name: str | None = None) -> Result:
    """Extract a report from its text."""
    return extract_document(load_text(text, name=name), settings or Settings())


def extract_document(doc: Document, settings: Settings) -> Result:
    parts = split_parts(doc.text)
    meta = read_meta(doc.text, preamble_end(parts))
    detection = detect_template(tables_region(doc.text, parts), meta.year)
    meta.template = detection.template
    backend = settings.resolved_backend()
    reading = read_cells(doc, parts, detection.template, settings)
    infos = {k: p.info() for k, p in parts.items()}
    result = Result(
        source=doc.source,
        meta=meta,
        parts=infos,
        cells=reading.cells,
        findings=[*detection.findings, *part_findings(parts, reading.cells), *reading.findings],
        narrative=read_narrative(doc.text, infos),
        provenance=Provenance(nianbao=__version__, backend=backend, model=reading.model,
                              prompts=reading.prompts, usage=reading.usage),
    )
    return validate_and_settle(result, doc.text)  # the result is ours alone: no copies
