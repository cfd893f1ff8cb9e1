"""Loading: any supported source → one normalised :class:`Document`.

Each format has its own small module returning raw text in which table rows stay on one
line with cells separated by tabs; this module picks the loader, normalises, and rejects
what is not a usable report with an :class:`~extractor.errors.InputError`.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import EmptyDocument, InputError, NotAReport, TooLarge, UnreadableDocument, UnsupportedFormat
from extractor.load import docx, guard, html, pdf, text
from extractor.load.guard import Limits
from extractor.normalize import normalize
from schemas import Source

_LOADERS = {
    "txt": text.load, "md": text.load, "html": html.load, "pdf": pdf.load, "docx": docx.load,
}
_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
             ".xhtml": "html", ".pdf": "pdf", ".docx": "docx"}
_TEXT_FORMATS = frozenset({"txt", "md", "html"})
# Parsed in a child process (guard.isolated). Measured (docs/load.md): a fork costs 2–60 ms,
# far more than reading a text (0.01 ms) or a usual web page (a few ms), which are bounded by
# size in-process; a page over 1 MiB can take lxml a minute and 600 MB, so it is isolated too.
_ISOLATED = {"pdf": "PDF", "docx": "Word file", "html": "web page"}
_ISOLATE_HTML_OVER = 1 << 20
# Control characters carry no text, and ESC sequences in a title would reach the terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
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


def load(source: str | Path | bytes, *, name: str | None = None, limits: Limits | None = None) -> Document:
    """Load a path, raw bytes or a text string into a normalised :class:`Document`.

    Reading is bounded (``extractor.load.guard``): special files and oversize inputs are
    refused, PDF and Word files are parsed in a child process with a memory and time limit."""
    limits = limits or Limits.from_env()
    path: Path | None = None
    if isinstance(source, Path) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        if not os.path.lexists(path):
            raise InputError(f"{shown_path(path)}: no such file")
        fmt = _format_of(path)
        data = guard.read_file(path, limits, text=fmt in _TEXT_FORMATS)
    elif isinstance(source, bytes):
        data, fmt = source, sniff(source)
        guard.check_size(data, name or "<input>", limits, text=fmt in _TEXT_FORMATS)
    else:
        data, fmt = source.encode("utf-8", "surrogatepass"), "txt"
    label = name or (shown_path(path) if path else "<input>")
    if not data.strip():
        raise EmptyDocument(f"{label}: empty file")
    raw = _read(fmt, data, label, limits)
    guard.check_text(raw, label, limits)
    return _finish(raw, data, fmt, label, path)


def _read(fmt: str, data: bytes, label: str, limits: Limits) -> str:
    if fmt == "docx":
        guard.check_zip(data, label, limits)
    if fmt in ("pdf", "docx") or (fmt == "html" and len(data) > _ISOLATE_HTML_OVER):
        return guard.isolated(_LOADERS[fmt], data, label, limits, _ISOLATED[fmt])
    try:
        return _LOADERS[fmt](data, label)
    except InputError:
        raise
    except RecursionError:
        raise UnreadableDocument(f"{label}: not a readable file (nested too deeply)") from None
    except MemoryError:
        raise TooLarge(f"{label}: too large to read") from None
    except Exception as e:  # a parser's own error on a broken file is the file's problem, not ours
        raise UnreadableDocument(f"{label}: not a readable file ({type(e).__name__})") from e


def shown_path(path: str | Path) -> str:
    """A path as written in messages and outputs: a name that is not UTF-8 (any bytes are
    allowed on Linux) has each bad byte written as ``\\xNN``, so every output file stays valid
    UTF-8 and the original bytes can still be read off it."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _finish(raw: str, data: bytes, fmt: str, label: str, path: Path | None) -> Document:
    body = normalize(_CONTROLS.sub("", raw))
    if not body.strip():
        raise EmptyDocument(f"{label}: no text in the document")
    if not _REPORT_MARKS.search(body):
        raise NotAReport(f"{label}: not a government information-disclosure annual report")
    source = Source(path=shown_path(path) if path else None, sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    return Document(text=body, source=source, name=shown_path(Path(path.name)) if path else label)


def _looks_like_path(s: str) -> bool:
    if "\n" in s or len(s) >= 4096:
        return False
    try:
        return Path(s).suffix.lower() in _SUFFIXES or Path(s).exists()
    except (OSError, ValueError):  # a name too long, a NUL: text, not a path
        return False


def _format_of(path: Path) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        kind = path.suffix or "(no extension)"
        raise UnsupportedFormat(f"{shown_path(path)}: unsupported file type {kind}; nianbao reads .txt .md .html .pdf .docx")
    return fmt
