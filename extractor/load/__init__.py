"""Loading: any supported source → one normalised :class:`Document`.

Each format has its own small module returning raw text in which table rows stay on one
line with cells separated by tabs; this module picks the loader, normalises, and rejects
what is not a usable report with an :class:`~extractor.errors.InputError`.

Three entry points, one per kind of source, so that nothing is guessed:
:func:`load_path` (a file), :func:`load_bytes` (a file's bytes, format from its magic
number) and :func:`load_text` (the report's text). A format's module, and the libraries it
needs (pdfium, python-docx, lxml), is imported only when a document of that format comes.
"""
from __future__ import annotations

import errno
import hashlib
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from extractor.errors import EmptyDocument, InputError, NotAReport, UnreadableDocument, UnsupportedFormat
from extractor.normalize import normalize
from schemas import Source

_MODULES = {"txt": "text", "md": "text", "html": "html", "pdf": "pdf", "docx": "docx"}  # format → module
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


def load_path(path: str | Path, *, name: str | None = None) -> Document:
    """Load the file at ``path``; its format comes from its extension."""
    path = Path(path)
    shown = _shown(path)
    try:
        path.stat()
        fmt = _format_of(path, shown)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file (a report's text itself goes to load_text/extract_text)") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a directory, not a document") from None
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:
            raise InputError(f"{shown}: no such file (the name is too long for a path; a report's text itself "
                             "goes to load_text/extract_text)") from None
        raise UnreadableDocument(f"{shown}: cannot read ({e.strerror})") from e
    return _read(data, fmt, name or str(path), path)


def _shown(path: Path) -> str:
    """The path as error messages show it: on one line, long ones cut."""
    s = " ".join(str(path).split())
    return s if len(s) <= 120 else s[:117] + "…"


def load_bytes(data: bytes, *, name: str | None = None) -> Document:
    """Load a document's raw bytes; the format comes from their magic number (:func:`sniff`)."""
    return _read(data, sniff(data), name or "<input>", None)


def load_text(text: str, *, name: str | None = None) -> Document:
    """Load the report's text itself (already decoded)."""
    return _read(text.encode("utf-8"), "txt", name or "<input>", None)


def load(source: str | Path | bytes, *, name: str | None = None) -> Document:
    """A path (``str`` or :class:`~pathlib.Path`) or raw bytes; kept for older callers.

    Prefer :func:`load_path`, :func:`load_bytes` or :func:`load_text`. A ``str`` is a path;
    only a string with a line break, which no report's path has, is still taken as a text
    (with a :class:`DeprecationWarning`)."""
    if isinstance(source, bytes):
        return load_bytes(source, name=name)
    if isinstance(source, str) and "\n" in source:
        warnings.warn("load(text) is deprecated: use load_text(text)", DeprecationWarning, stacklevel=2)
        return load_text(source, name=name)
    return load_path(source, name=name)


def _read(data: bytes, fmt: str, label: str, path: Path | None) -> Document:
    if not data.strip():
        raise EmptyDocument(f"{label}: empty file")
    raw = _loader(fmt)(data, label)
    return _finish(raw, data, fmt, label, path)


def _loader(fmt: str) -> Callable[[bytes, str], str]:
    """The format's ``load(data, label)``, its module imported on first use."""
    return import_module(f"extractor.load.{_MODULES[fmt]}").load


def _finish(raw: str, data: bytes, fmt: str, label: str, path: Path | None) -> Document:
    body = normalize(raw)
    if not body.strip():
        raise EmptyDocument(f"{label}: no text in the document")
    if not _REPORT_MARKS.search(body):
        raise NotAReport(f"{label}: not a government information-disclosure annual report")
    source = Source(path=str(path) if path else None, sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    return Document(text=body, source=source, name=path.name if path else label)


def _format_of(path: Path, shown: str) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        kind = path.suffix or "(no extension)"
        raise UnsupportedFormat(f"{shown}: unsupported file type {kind}; nianbao reads .txt .md .html .pdf .docx")
    return fmt
