"""Loading: any supported source → one normalised :class:`Document`.

Each format has its own small module returning raw text in which table rows stay on one
line with cells separated by tabs; this module picks the loader, normalises, and rejects
what is not a usable report with an :class:`~extractor.errors.InputError`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from extractor.errors import EmptyDocument, InputError, NotAReport, UnreadableDocument, UnsupportedFormat
from extractor.normalize import normalize
from schemas import Source

# Format → loader module, imported on first use: a text report never loads pdfplumber or python-docx.
_LOADERS = {
    "txt": "text", "md": "text", "html": "html", "pdf": "pdf", "docx": "docx",
}
_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
             ".xhtml": "html", ".pdf": "pdf", ".docx": "docx"}
_REPORT_MARKS = re.compile(r"政府信息公开|政务公开|主动公开|依申请公开|年度报告")


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded document: the normalised text every span indexes into, and its source."""

    text: str
    source: Source
    name: str


def sniff(data: bytes) -> str:
    """Guess the format of raw bytes from their magic numbers."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    low = head.lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<table" in data[:65536].lower():
        return "html"
    return "txt"


def load(source: str | Path | bytes, *, name: str | None = None) -> Document:
    """Load a path, raw bytes or a text string into a normalised :class:`Document`."""
    path: Path | None = None
    if isinstance(source, Path) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        if not path.exists():
            raise InputError(f"{path}: no such file")
        fmt = _format_of(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory, not a document") from None
        except OSError as e:
            raise UnreadableDocument(f"{path}: cannot read ({e.strerror})") from e
    elif isinstance(source, bytes):
        data, fmt = source, sniff(source)
    else:
        data, fmt = source.encode("utf-8"), "txt"
    label = name or (str(path) if path else "<input>")
    if not data.strip():
        raise EmptyDocument(f"{label}: empty file")
    raw = import_module(f"extractor.load.{_LOADERS[fmt]}").load(data, label)
    return _finish(raw, data, fmt, label, path)


def _finish(raw: str, data: bytes, fmt: str, label: str, path: Path | None) -> Document:
    body = normalize(raw)
    if not body.strip():
        raise EmptyDocument(f"{label}: no text in the document")
    if not _REPORT_MARKS.search(body):
        raise NotAReport(f"{label}: not a government information-disclosure annual report")
    source = Source(path=str(path) if path else None, sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    return Document(text=body, source=source, name=path.name if path else label)


def _looks_like_path(s: str) -> bool:
    return "\n" not in s and len(s) < 4096 and (Path(s).suffix.lower() in _SUFFIXES or Path(s).exists())


def _format_of(path: Path) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        kind = path.suffix or "(no extension)"
        raise UnsupportedFormat(f"{path}: unsupported file type {kind}; nianbao reads .txt .md .html .pdf .docx")
    return fmt
