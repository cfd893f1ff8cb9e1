"""What an upload is, told from its bytes alone: a report we can read, a zip of them, or junk.

The client's file name is kept for display only; nothing here ever builds a path from it.
A zip is read member by member with every limit checked against the sizes the archive
declares *and* the bytes actually inflated, so a lying header cannot get past them.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from extractor.serve.config import ServeConfig

REPORT_FORMATS = ("pdf", "docx", "html", "txt")


class UploadRejected(Exception):
    """An upload the service will not take; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # as the client called it, for display only
    data: bytes
    format: str  # one of REPORT_FORMATS


def sniff(data: bytes) -> str | None:
    """``pdf``, ``docx``, ``html``, ``txt``, ``zip`` — or None for bytes that are none of them."""
    head = data[:4096].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return "docx" if "word/document.xml" in names else "zip"
    text = _decode(data)
    if text is None:
        return None
    low = text[:65536].lower()
    if "<html" in low or "<table" in low or low.lstrip().startswith("<!doctype html"):
        return "html"
    return "txt"


def _decode(data: bytes) -> str | None:
    """Text in UTF-8 or GB18030 without control bytes, or None (binary)."""
    sample = data[:1 << 20]
    if b"\x00" in sample:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError as e:
            if encoding == "utf-8" and e.start >= len(sample) - 3:  # cut inside the last character
                text = sample[:e.start].decode(encoding)
            else:
                continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
        return text if controls <= len(text) // 100 else None
    return None


def accept(name: str, data: bytes, config: ServeConfig) -> tuple[list[Upload], list[str]]:
    """The reports in one uploaded file (a zip gives its members), and the names of the zip's
    members that are not reports (skipped, and said so). Raises :class:`UploadRejected`."""
    if len(data) > config.max_upload_bytes:
        raise UploadRejected(413, f"{_shown(name)}: larger than the limit of {config.max_upload_bytes} bytes")
    if not data.strip():
        raise UploadRejected(400, f"{_shown(name)}: empty file")
    kind = sniff(data)
    if kind is None:
        raise UploadRejected(415, f"{_shown(name)}: not a report nianbao reads (PDF, Word .docx, HTML or text)")
    if kind == "zip":
        return unzip(name, data, config)
    return [Upload(name, data, kind)], []


def unzip(name: str, data: bytes, config: ServeConfig) -> tuple[list[Upload], list[str]]:
    """Every report in a zip, folders flattened. Traversal, links, nested zips and bombs → 4xx."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as e:
        raise UploadRejected(400, f"{_shown(name)}: a broken zip ({e})") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > config.max_files:
            raise UploadRejected(413, f"{_shown(name)}: {len(members)} files, more than {config.max_files}")
        declared = 0
        for m in members:
            _check_member_name(name, m)
            if m.file_size > config.max_upload_bytes:
                raise UploadRejected(413, f"{_shown(name)}: {_shown(m.filename)} is larger than the limit")
            if m.compress_size and m.file_size / m.compress_size > config.max_zip_ratio:
                raise UploadRejected(413, f"{_shown(name)}: {_shown(m.filename)} inflates "
                                          f"{m.file_size // m.compress_size}×: refused as a zip bomb")
            declared += m.file_size
        if declared > config.max_unzipped_bytes:
            raise UploadRejected(413, f"{_shown(name)}: {declared} bytes unpacked, more than the limit")
        out, skipped = [], []
        for m in members:
            if PurePosixPath(m.filename).name.startswith((".", "__MACOSX")) or "__MACOSX/" in m.filename:
                continue  # Finder's and editors' litter, not reports
            body = _read_bounded(archive, m, name, config.max_upload_bytes)
            kind = sniff(body) if body.strip() else None
            if kind == "zip":
                raise UploadRejected(415, f"{_shown(name)}: {_shown(m.filename)} is a zip inside the zip")
            if kind is None:
                skipped.append(_shown(m.filename))  # not a report (images, spreadsheets)
                continue
            out.append(Upload(PurePosixPath(m.filename).name, body, kind))
        if not out:
            raise UploadRejected(415, f"{_shown(name)}: the zip holds no report nianbao reads")
        return out, skipped


def _check_member_name(name: str, m: zipfile.ZipInfo) -> None:
    path = PurePosixPath(m.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise UploadRejected(400, f"{_shown(name)}: member {_shown(m.filename)} points outside the archive")
    if (m.external_attr >> 16) & 0o170000 == 0o120000:
        raise UploadRejected(400, f"{_shown(name)}: member {_shown(m.filename)} is a symbolic link")


def _read_bounded(archive: zipfile.ZipFile, m: zipfile.ZipInfo, name: str, limit: int) -> bytes:
    """Inflate at most ``limit`` bytes, whatever the header claims."""
    chunks, total = [], 0
    try:
        with archive.open(m) as f:
            while chunk := f.read(1 << 16):
                total += len(chunk)
                if total > limit:
                    raise UploadRejected(413, f"{_shown(name)}: {_shown(m.filename)} inflates past the limit")
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise UploadRejected(400, f"{_shown(name)}: {_shown(m.filename)} cannot be unpacked ({e})") from None
    return b"".join(chunks)


def _shown(name: str) -> str:
    """A client-supplied name, safe to echo in a one-line message."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in (name or "upload"))
    return clean[:120]
