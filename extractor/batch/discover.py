"""Turn the command line's INPUTs (files, folders, globs) into jobs keyed by content hash.

Folders are searched recursively for the formats nianbao reads; a file named explicitly
is taken whatever its type (an unsupported one gets an error record, not silence).
Files with the same bytes become one job that remembers every path.
"""
from __future__ import annotations

import glob
import hashlib
import os
import stat
from dataclasses import dataclass, field
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
    paths: list[str] = field(default_factory=list)
    problem: str | None = None  # why the file could not be read


@dataclass(slots=True)
class Discovery:
    jobs: list[Job]
    inputs: dict[str, str]  # path → key, for every input file
    ignored: int  # files in the folders with a type nianbao does not read


def discover(args: list[str], exclude: Path | None = None) -> Discovery:
    """Expand and hash the inputs. Raises :class:`InputError` for an INPUT that matches nothing."""
    files, ignored = _expand(args, exclude.resolve() if exclude else None)
    jobs: dict[str, Job] = {}
    inputs: dict[str, str] = {}
    for path in files:
        try:
            sha = _sha256(path)
            key, problem = key_of(sha), None
        except OSError as e:
            # No content to hash: key the record by the path, so it is still accounted for.
            sha, key = None, hashlib.sha256(f"path:{Path(path).resolve()}".encode()).hexdigest()[:KEY_LEN]
            problem = f"{shown_path(path)}: cannot read ({e.strerror or e})"
        inputs[path] = key
        job = jobs.setdefault(key, Job(key, path, sha, problem=problem))
        job.paths.append(path)
    return Discovery(list(jobs.values()), inputs, ignored)


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
    seen: dict[Path, str] = {}  # resolved → as the user wrote it; a file named twice is one input
    ignored = 0
    results_folder = _ResultsFolders(exclude)
    for arg in args:
        matches = sorted(glob.glob(arg, recursive=True)) if _GLOB_CHARS & set(arg) else [arg]
        matches = [m for m in matches if Path(m).exists()]
        if not matches:
            raise InputError(f"{arg}: no such file or folder")
        for match in map(Path, matches):
            if match.is_dir():
                before = len(seen)
                for f in sorted(match.rglob("*")):
                    if f.is_dir() or _hidden(f.relative_to(match)) or results_folder.holds(f):
                        continue
                    if f.suffix.lower() in SUFFIXES:
                        seen.setdefault(f.resolve(), str(f))
                    else:
                        ignored += 1
                if len(seen) == before and not _GLOB_CHARS & set(arg):
                    raise InputError(f"{shown_path(match)}: a folder with no .txt .md .html .pdf .docx file in it")
            elif not (_GLOB_CHARS & set(arg) and results_folder.holds(match)):
                seen.setdefault(match.resolve(), str(match))
    return sorted(seen.values()), ignored


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


class _ResultsFolders:
    """Whether a file lies in a results folder (``results/`` beside ``texts/``), this batch's
    or another's: its normalised texts are ``.txt`` files but never inputs."""

    def __init__(self, out: Path | None):
        self._known: dict[Path, bool] = {out: True} if out else {}

    def holds(self, path: Path) -> bool:
        return any(self._is_one(d) for d in path.resolve().parents)

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
