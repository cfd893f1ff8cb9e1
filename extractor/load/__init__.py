"""Loading: any supported source → one normalised :class:`Document`.

Each format has its own small module returning raw text in which table rows stay on one
line with cells separated by tabs; this module picks the loader, normalises, re-flows
one-line text, and rejects what is not a usable report with an
:class:`~extractor.errors.InputError`.

Three entry points, one per kind of source, so that nothing is guessed:
:func:`load_path` (a file), :func:`load_bytes` (a file's bytes, format from its magic
number) and :func:`load_text` (the report's text). A format's module, and the libraries it
needs (pdfium, python-docx, lxml, the OCR engine), is imported only when a document of that
format comes.

The loader follows the content, not the suffix: a text input (``.txt``, ``.md``, raw bytes,
a string) that is markup-dominated — a saved page, HTML in a JS string, entity-escaped
HTML — is read by the HTML loader (:mod:`extractor.load.markup` holds the rule), and its
``source.format`` says ``html``. Scans (image-only PDFs, image files) are read by OCR
(:mod:`extractor.load.scan`) unless ``ocr="never"``.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import warnings
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import NamedTuple

from extractor.errors import (
    EmptyDocument,
    InputError,
    NotAReport,
    NoTextLayer,
    TooLarge,
    UnreadableDocument,
    UnsupportedFormat,
)
from extractor.load import guard, scan
from extractor.load.guard import Limits
from extractor.normalize import normalize
from extractor.reflow import reflow
from schemas import Finding, Source

_MODULES = {"txt": "text", "md": "text", "html": "html", "pdf": "pdf", "docx": "docx"}  # format → module
_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
             ".xhtml": "html", ".pdf": "pdf", ".docx": "docx", **scan.IMAGE_SUFFIXES}
_TEXT_FORMATS = frozenset({"txt", "md", "html"})
# Parsed in a child process (guard.isolated). Measured (docs/load.md): a fork costs 2–60 ms,
# far more than reading a text (0.01 ms) or a usual web page (a few ms), which are bounded by
# size in-process; a page over 1 MiB can take lxml a minute and 600 MB, so it is isolated too.
_ISOLATED = {"pdf": "PDF", "docx": "Word file", "html": "web page"}
_ISOLATE_HTML_OVER = 1 << 20
_REPORT_MARKS = re.compile(r"政府信息公开|政务公开|主动公开|依申请公开|年度报告")


class Document(NamedTuple):
    """A loaded document: the normalised text every span indexes into, and its source."""

    text: str
    source: Source
    name: str
    findings: tuple[Finding, ...] = ()  # what loading did that a reader of the result should know
    ocr: tuple = ()  # for a scan, the recognised words (extractor.ocr.Placed): span → page, box, confidence


def sniff(data: bytes) -> str:
    """Guess the format of raw bytes from their magic numbers (text is sniffed again once decoded)."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if scan.sniff_image(data):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    return "txt"


def load_path(path: str | Path, *, name: str | None = None, ocr: scan.OcrMode = "auto",
              ocr_jobs: int | None = None, limits: Limits | None = None) -> Document:
    """Load the file at ``path``; its format comes from its extension (text is sniffed once decoded).

    Reading is bounded (``extractor.load.guard``): special files and oversize inputs are
    refused, PDF and Word files are parsed in a child process with a memory and time limit."""
    path = Path(path)
    shown = _shown(path)
    limits = limits or Limits.from_env()
    if "\x00" in str(path):
        raise InputError(f"{shown}: no such file (a name with a NUL is no path; a report's text itself "
                         "goes to load_text/extract_text)")
    try:
        os.stat(path)
        fmt = _format_of(path, shown)
        if fmt in ("txt", "md") and (structured := _structured_sibling(path, name)) is not None:
            return structured
        data = guard.read_file(path, limits, text=fmt in _TEXT_FORMATS)
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file (a report's text itself goes to load_text/extract_text)") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a directory, not a document") from None
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:
            raise InputError(f"{shown}: no such file (the name is too long for a path; a report's text itself "
                             "goes to load_text/extract_text)") from None
        raise UnreadableDocument(f"{shown}: cannot read ({e.strerror})") from e
    return _read(data, fmt, name or shown_path(path), path, ocr, ocr_jobs, limits)


def _shown(path: Path) -> str:
    """The path as error messages show it: on one line, long ones cut."""
    s = " ".join(shown_path(path).split())
    return s if len(s) <= 120 else s[:117] + "…"


def shown_path(path: str | Path) -> str:
    """A path as written in messages and outputs: a name that is not UTF-8 (any bytes are
    allowed on Linux) has each bad byte written as ``\\xNN``, so every output file stays valid
    UTF-8 and the original bytes can still be read off it."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def load_bytes(data: bytes, *, name: str | None = None, ocr: scan.OcrMode = "auto",
               ocr_jobs: int | None = None, limits: Limits | None = None) -> Document:
    """Load a document's raw bytes; the format comes from their magic number (:func:`sniff`)."""
    limits = limits or Limits.from_env()
    fmt = sniff(data)
    guard.check_size(data, name or "<input>", limits, text=fmt in _TEXT_FORMATS)
    return _read(data, fmt, name or "<input>", None, ocr, ocr_jobs, limits)


def load_text(text: str, *, name: str | None = None, limits: Limits | None = None) -> Document:
    """Load the report's text itself (already decoded)."""
    limits = limits or Limits.from_env()
    try:
        data, decoded = text.encode("utf-8"), text
    except UnicodeEncodeError:  # a lone surrogate: the bytes are decoded as any file's are
        data, decoded = text.encode("utf-8", "surrogatepass"), None
    guard.check_size(data, name or "<input>", limits, text=True)
    return _read(data, "txt", name or "<input>", None, "never", None, limits, decoded)


def load(source: str | Path | bytes, *, name: str | None = None, ocr: scan.OcrMode = "auto",
         ocr_jobs: int | None = None, limits: Limits | None = None) -> Document:
    """A path (``str`` or :class:`~pathlib.Path`) or raw bytes; kept for older callers.

    Prefer :func:`load_path`, :func:`load_bytes` or :func:`load_text`. A ``str`` is a path;
    only a string with a line break, which no report's path has, is still taken as a text
    (with a :class:`DeprecationWarning`)."""
    if isinstance(source, bytes):
        return load_bytes(source, name=name, ocr=ocr, ocr_jobs=ocr_jobs, limits=limits)
    if isinstance(source, str) and ("\n" in source or "\x00" in source):
        warnings.warn("load(text) is deprecated: use load_text(text)", DeprecationWarning, stacklevel=2)
        return load_text(source, name=name, limits=limits)
    return load_path(source, name=name, ocr=ocr, ocr_jobs=ocr_jobs, limits=limits)


def _read(data: bytes, fmt: str, label: str, path: Path | None, ocr: scan.OcrMode, ocr_jobs: int | None,
          limits: Limits, decoded: str | None = None) -> Document:
    """``decoded``: the text ``data`` was encoded from as UTF-8 (load_text), which decoding would give back."""
    if not data.strip():
        raise EmptyDocument(f"{label}: empty file")
    if fmt == "image" or (fmt == "pdf" and ocr == "always"):
        return _from_scan(data, fmt, label, path, ocr, ocr_jobs)
    try:
        raw, fmt = _parse(data, fmt, label, limits, decoded)
    except NoTextLayer:
        return _from_scan(data, fmt, label, path, ocr, ocr_jobs)
    guard.check_text(raw, label, limits)
    return _finish(raw, data, fmt, label, path)


def _parse(data: bytes, fmt: str, label: str, limits: Limits, decoded: str | None = None) -> tuple[str, str]:
    """The format's raw text (and the format, which content sniffing may change), bounded:
    PDF, Word and large pages parsed in a child process; a parser's own error on a broken
    file is the file's problem (unreadable), never an internal error."""
    if fmt in ("txt", "md"):
        from extractor.load import markup, text  # light: a text report needs nothing more
        if decoded is not None and b"\x00" not in data[:8192]:  # what text.decode gives: UTF-8 less its BOM
            raw = decoded[1:] if decoded.startswith("\ufeff") else decoded
        else:
            raw = text.decode(data, label)
        page = markup.markup_of(raw)
        if page is None:
            return raw, fmt
        from extractor.load import html
        if len(page) > _ISOLATE_HTML_OVER:
            return guard.isolated(html.load, page.encode("utf-8"), label, limits, _ISOLATED["html"]), "html"
        return _guarded(lambda: html.parse(page), label), "html"
    loader = import_module(f"extractor.load.{_MODULES[fmt]}").load
    if fmt == "docx":
        guard.check_zip(data, label, limits)
    if fmt in ("pdf", "docx") or (fmt == "html" and len(data) > _ISOLATE_HTML_OVER):
        return guard.isolated(loader, data, label, limits, _ISOLATED[fmt]), fmt
    return _guarded(lambda: loader(data, label), label), fmt


def _guarded(parse: Callable[[], str], label: str) -> str:
    try:
        return parse()
    except InputError:
        raise
    except RecursionError:
        raise UnreadableDocument(f"{label}: not a readable file (nested too deeply)") from None
    except MemoryError:
        raise TooLarge(f"{label}: too large to read") from None
    except Exception as e:  # a parser's own error on a broken file is the file's problem, not ours
        raise UnreadableDocument(f"{label}: not a readable file ({type(e).__name__})") from e


def _from_scan(data: bytes, fmt: str, label: str, path: Path | None, ocr: scan.OcrMode, jobs: int | None) -> Document:
    read = scan.read(data, fmt, label, ocr, jobs)
    return _finish(read.text, data, fmt, label, path, read.words)


def _finish(raw: str, data: bytes, fmt: str, label: str, path: Path | None, words: tuple = ()) -> Document:
    body = reflow(normalize(raw))
    if not body.strip():
        raise EmptyDocument(f"{label}: no text in the document")
    if not _REPORT_MARKS.search(body):
        raise NotAReport(f"{label}: not a government information-disclosure annual report")
    source = Source.build(path=shown_path(path) if path else None, sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    if words and body != raw:  # the words' spans index into raw; ocr.render gives normalised text
        words = ()
    return Document(text=body, source=source, name=shown_path(Path(path.name)) if path else label, ocr=words)


def _structured_sibling(path: Path, name: str | None) -> Document | None:
    """The same document saved as HTML next to a text file (a crawl keeps both, 「x.txt」 and
    「x.html」): its tables keep their rows and cells, which the text may have lost. Read it instead,
    and say so; an HTML file that is not a readable report is ignored."""
    for suffix in (".html", ".htm"):
        other = path.with_suffix(suffix)
        if other.is_file():
            try:
                doc = load_path(other, name=name)
            except InputError:
                continue
            note = Finding.build(rule="EXTRACTION", check="load.structured_sibling", severity="info",
                                 message=f"{path.name} 旁有同名的 {other.name}：按表格结构完整的 HTML 版本读取")
            return Document(doc.text, doc.source, doc.name, (*doc.findings, note))
    return None


def _format_of(path: Path, shown: str) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        kind = path.suffix or "(no extension)"
        raise UnsupportedFormat(f"{shown}: unsupported file type {kind}; nianbao reads .txt .md .html .pdf .docx "
                                f"and, by OCR, .png .jpg .tif")
    return fmt
