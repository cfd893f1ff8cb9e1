"""Loading: any supported source → one normalised :class:`Document`.

Each format has its own small module returning raw text in which table rows stay on one
line with cells separated by tabs; this module picks the loader, normalises, and rejects
what is not a usable report with an :class:`~extractor.errors.InputError`.

The loader follows the content, not the suffix: a text input (``.txt``, ``.md``, raw bytes,
a string) that is markup-dominated — a saved page, HTML in a JS string, entity-escaped
HTML — is read by the HTML loader (:mod:`extractor.load.markup` holds the rule), and its
``source.format`` says ``html``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from extractor.errors import EmptyDocument, InputError, NotAReport, NoTextLayer, UnreadableDocument, UnsupportedFormat
from extractor.load import scan
from extractor.normalize import normalize
from extractor.reflow import reflow
from schemas import Finding, Source

# Format → loader module, imported on first use: a text report never loads pdfplumber or python-docx.
_LOADERS = {
    "txt": "text", "md": "text", "html": "html", "pdf": "pdf", "docx": "docx",
}
_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
             ".xhtml": "html", ".pdf": "pdf", ".docx": "docx", **scan.IMAGE_SUFFIXES}
_REPORT_MARKS = re.compile(r"政府信息公开|政务公开|主动公开|依申请公开|年度报告")


@dataclass(frozen=True, slots=True)
class Document:
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


def load(source: str | Path | bytes, *, name: str | None = None, ocr: scan.OcrMode = "auto",
         ocr_jobs: int | None = None) -> Document:
    """Load a path, raw bytes or a text string into a normalised :class:`Document`.

    Scans (image-only PDFs, image files) are read by OCR unless ``ocr="never"``; ``"always"``
    OCRs a PDF even when it has a text layer."""
    path: Path | None = None
    if isinstance(source, Path) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        if not path.exists():
            raise InputError(f"{path}: no such file")
        fmt = _format_of(path)
        if fmt in ("txt", "md") and (structured := _structured_sibling(path, name)) is not None:
            return structured
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
    if fmt == "image" or (fmt == "pdf" and ocr == "always"):
        return _from_scan(data, fmt, label, path, ocr, ocr_jobs)
    if fmt in ("txt", "md"):
        from extractor.load import markup, text  # light: a text report needs nothing more
        raw = text.decode(data, label)
        page = markup.markup_of(raw)
        if page is not None:
            from extractor.load import html
            raw, fmt = html.parse(page), "html"
    else:
        try:
            raw = import_module(f"extractor.load.{_LOADERS[fmt]}").load(data, label)
        except NoTextLayer:
            return _from_scan(data, fmt, label, path, ocr, ocr_jobs)
    return _finish(raw, data, fmt, label, path)


def _from_scan(data: bytes, fmt: str, label: str, path: Path | None, ocr, jobs) -> Document:
    read = scan.read(data, fmt, label, ocr, jobs)
    return _finish(read.text, data, fmt, label, path, read.words)


def _finish(raw: str, data: bytes, fmt: str, label: str, path: Path | None, words: tuple = ()) -> Document:
    body = reflow(normalize(raw))
    if not body.strip():
        raise EmptyDocument(f"{label}: no text in the document")
    if not _REPORT_MARKS.search(body):
        raise NotAReport(f"{label}: not a government information-disclosure annual report")
    source = Source(path=str(path) if path else None, sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    if words and body != raw:  # the words' spans index into raw; ocr.render gives normalised text
        words = ()
    return Document(text=body, source=source, name=path.name if path else label, ocr=words)


def _structured_sibling(path: Path, name: str | None) -> Document | None:
    """The same document saved as HTML next to a text file (a crawl keeps both, 「x.txt」 and
    「x.html」): its tables keep their rows and cells, which the text may have lost. Read it instead,
    and say so; an HTML file that is not a readable report is ignored."""
    for suffix in (".html", ".htm"):
        other = path.with_suffix(suffix)
        if other.is_file():
            try:
                doc = load(other, name=name)
            except InputError:
                continue
            note = Finding(rule="EXTRACTION", check="load.structured_sibling", severity="info",
                           message=f"{path.name} 旁有同名的 {other.name}：按表格结构完整的 HTML 版本读取")
            return Document(doc.text, doc.source, doc.name, (*doc.findings, note))
    return None


def _looks_like_path(s: str) -> bool:
    if "\n" in s or len(s) >= 4096:
        return False
    try:
        return Path(s).suffix.lower() in _SUFFIXES or Path(s).exists()
    except OSError:  # a whole report on one line is no file name (「File name too long」)
        return False


def _format_of(path: Path) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        kind = path.suffix or "(no extension)"
        raise UnsupportedFormat(f"{path}: unsupported file type {kind}; nianbao reads .txt .md .html .pdf .docx "
                                f"and, by OCR, .png .jpg .tif")
    return fmt
