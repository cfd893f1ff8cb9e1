"""Turn the command line's INPUTs (files, folders, globs) into jobs keyed by content hash.

Folders are searched recursively. Every file found or named is accounted for: one of a
type nianbao does not read (.doc, .wps, images, …) becomes an ``unsupported`` job with a
message that says what to do, without being loaded. Files with the same bytes become one job
(the inputs index still lists every path, with the key).
"""
from __future__ import annotations

import glob
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import InputError
from extractor.load import shown_path
from extractor.resultsdir import KEY_LEN, key_of

SUFFIXES = frozenset({".pdf", ".html", ".htm", ".docx", ".txt", ".md"})
_GLOB_CHARS = frozenset("*?[")
_OUTPUTS = frozenset({"results", "texts", "errors"})  # a results folder's own sub-folders


@dataclass(slots=True)
class Job:
    key: str  # first 16 hex of the sha256 (docs/results-folder.md)
    path: str  # the first path with these bytes: the one extracted
    sha256: str | None  # None when the file could not be read
    problem: str | None = None  # why the file could not be read
    reason: str = "unreadable"  # the error record's reason when there is a problem


@dataclass(slots=True)
class Discovery:
    jobs: list[Job]
    paths: list[str]  # every input file, sorted
    keys: list[str]  # the key of each of ``paths``
    ignored: int  # files in the folders with a type nianbao does not read (each has an unsupported job)


def discover(args: list[str], exclude: Path | None = None) -> Discovery:
    """Expand and hash the inputs. Raises :class:`InputError` for an INPUT that matches nothing."""
    files, ignored = _expand(args, exclude.resolve() if exclude else None)
    jobs: dict[str, Job] = {}
    keys: list[str] = []
    for path in files:
        reason = "unreadable"
        try:
            sha = _sha256(path)
            key, problem = key_of(sha), None
        except OSError as e:
            # No content to hash: key the record by the path, so it is still accounted for.
            sha, key = None, _path_key(path)
            problem = f"{shown_path(path)}: cannot read ({e.strerror or e})"
        if Path(path).suffix.lower() not in SUFFIXES:  # never loaded: what to do with it instead
            problem, reason = unsupported_message(shown_path(path)), "unsupported"
        keys.append(key)
        if key not in jobs:
            jobs[key] = Job(key, path, sha, problem=problem, reason=reason)
    return Discovery(list(jobs.values()), files, keys, ignored)


def check_out(args: list[str], out: Path) -> None:
    """Refuse an INPUT folder that is the results folder or inside it (its files would all be
    skipped as results). Called before the results folder is created."""
    out = out.resolve()
    for arg in args:
        matches = glob.glob(arg, recursive=True) if _GLOB_CHARS & set(arg) else [arg]
        for match in map(Path, matches):
            real = match.resolve()
            if match.is_dir() and (real == out or out in real.parents):
                raise InputError(f"{shown_path(match)}: is the results folder (--out) or inside it; "
                                 "write the results to another folder")
            if match.is_file() and out in real.parents and real.relative_to(out).parts[0] not in _OUTPUTS:
                raise InputError(f"{shown_path(match)}: is inside the results folder (--out); "
                                 "write the results to another folder")


def _expand(args: list[str], exclude: Path | None) -> tuple[list[str], int]:
    seen: dict[str, str] = {}  # resolved → as the user wrote it; a file named twice is one input
    ignored = 0
    results_folder = _ResultsFolders(exclude)
    for arg in args:
        matches = sorted(glob.glob(arg, recursive=True)) if _GLOB_CHARS & set(arg) else [arg]
        matches = [m for m in matches if Path(m).exists()]
        if not matches:
            raise InputError(f"{arg}: no such file or folder")
        for match in map(Path, matches):
            if match.is_dir():
                readable = 0
                for f in _walk(str(match)):  # strings, one folder at a time: no list of every Path
                    if os.path.isdir(f):
                        continue  # a special file (FIFO, device) is an input: it gets an unreadable record
                    resolved = os.path.realpath(f)
                    if results_folder.holds_resolved(resolved):
                        continue
                    seen.setdefault(resolved, f)
                    supported = os.path.splitext(f)[1].lower() in SUFFIXES
                    ignored += not supported
                    readable += supported
                if not readable and not _GLOB_CHARS & set(arg):
                    raise InputError(f"{shown_path(match)}: a folder with no .txt .md .html .pdf .docx file in it")
            elif not (_GLOB_CHARS & set(arg) and results_folder.holds(match)):
                seen.setdefault(os.path.realpath(match), str(match))
    return sorted(seen.values()), ignored


# What to do with a file nianbao does not read, by kind (the CLI shows it in the user's language).
ADVICE_KINDS = {
    "word": ({".doc", ".wps", ".rtf", ".odt", ".wpt", ".dot"},
             "an old Word/WPS document: save it as .docx (Word or WPS: 另存为 .docx) and run again"),
    "image": ({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"},
              "an image: run OCR on it and give nianbao the text, or a PDF with a text layer"),
    "sheet": ({".xls", ".xlsx", ".et", ".ods", ".csv"},
              "a spreadsheet: nianbao reads whole reports; save the report as .docx or PDF"),
    "archive": ({".zip", ".rar", ".7z", ".gz", ".tar"}, "an archive: unpack it and give nianbao the folder"),
}
OTHER_ADVICE = "not a format nianbao reads (.txt .md .html .htm .pdf .docx)"


def advice_kind(path: str) -> str:
    """``word``, ``image``, ``sheet``, ``archive`` or ``other``: what an unsupported file is."""
    suffix = Path(path).suffix.lower()
    return next((kind for kind, (suffixes, _) in ADVICE_KINDS.items() if suffix in suffixes), "other")


def unsupported_message(path: str) -> str:
    kind = advice_kind(path)
    advice = ADVICE_KINDS[kind][1] if kind in ADVICE_KINDS else OTHER_ADVICE
    return f"{path}: unsupported file type {Path(path).suffix or '(no extension)'}: {advice}"


def _path_key(path: str) -> str:
    """A key for a file whose content is not read: from its path, so it is still accounted for."""
    return hashlib.sha256(f"path:{Path(path).resolve()}".encode()).hexdigest()[:KEY_LEN]


def _walk(top: str) -> Iterator[str]:
    """Every entry below ``top`` but hidden ones (a name starting with «.», or inside such a
    folder), in the order of ``sorted(Path(top).rglob("*"))``; symlinked folders are not entered."""
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except (PermissionError, NotADirectoryError, FileNotFoundError):
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = f"{top}/{entry.name}" if top != "/" else f"/{entry.name}"
        yield path
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path)


class _ResultsFolders:
    """Whether a file lies in a results folder (``results/`` beside ``texts/``), this batch's
    or another's: its normalised texts are ``.txt`` files but never inputs."""

    def __init__(self, out: Path | None):
        self._known: dict[Path, bool] = {out: True} if out else {}
        self._chains: dict[str, bool] = {}

    def holds(self, path: Path) -> bool:
        return self.holds_resolved(os.path.realpath(path))

    def holds_resolved(self, resolved: str) -> bool:
        """:meth:`holds` for a path already resolved; answered once per folder."""
        return self._under(os.path.dirname(resolved))

    def _under(self, folder: str) -> bool:
        """Whether ``folder`` or one of the folders above it is a results folder."""
        if folder not in self._chains:
            parent = os.path.dirname(folder)
            self._chains[folder] = self._is_one(Path(folder)) or (parent != folder and self._under(parent))
        return self._chains[folder]

    def _is_one(self, d: Path) -> bool:
        if d not in self._known:
            self._known[d] = (d / "results").is_dir() and (d / "texts").is_dir()
        return self._known[d]


def _sha256(path: str) -> str:
    """The file's hash; a FIFO or device (also behind a symlink) is refused, never read."""
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise OSError(f"not a regular file ({'a FIFO' if stat.S_ISFIFO(mode) else 'a device or socket'})")
    with open(fd, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
