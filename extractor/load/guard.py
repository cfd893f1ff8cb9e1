"""Bounds on reading one file: what is checked before a parser sees it, and where parsers run.

Hostile or broken input must never take unbounded memory or time, nor escape as an
internal error. Three layers, cheapest first:

1. :func:`read_file`: special files (FIFOs, devices, sockets, also through a symlink) are
   refused, and a file over ``max_file_bytes`` is refused before it is read; the file is
   opened without blocking and checked again on the open descriptor (no race with a swap).
2. :func:`check_zip`: a ``.docx`` is a zip; every member is inflated as a stream, and the
   archive is refused once the bytes actually inflated pass ``max_inflated_bytes`` or a
   member inflates to more than it declares (zip bombs, lying headers, broken deflate data).
3. :func:`isolated`: a binary format's parser (PDF, Word) runs in a forked child process with
   an address-space limit (``RLIMIT_AS``, ``memory_bytes``) and is killed after ``seconds``.
   Text and HTML are parsed in-process: a fork per document costs more than their parsers
   (docs/load.md has the figures), and their size is bounded up front instead.

Over a limit: :class:`~extractor.errors.TooLarge` or :class:`~extractor.errors.TooSlow`
(both input errors: exit 2, a ``failed`` record in a batch); any other failure of a parser
is :class:`~extractor.errors.UnreadableDocument`. Limits come from the environment
(:meth:`Limits.from_env`): ``NIANBAO_MAX_FILE_MB``, ``NIANBAO_MAX_MEMORY_MB``,
``NIANBAO_LOAD_TIMEOUT``.
"""
from __future__ import annotations

import os
from typing import NamedTuple

try:  # POSIX only: elsewhere a parse runs in-process, bounded by size alone
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]
import select
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from extractor.errors import InputError, TooLarge, TooSlow, UnreadableDocument

MIB = 1 << 20


class Limits(NamedTuple):
    max_file_bytes: int = 200 * MIB  # any input file (a scanned PDF of many pages is large)
    max_text_bytes: int = 20 * MIB  # .txt/.md/.html: a report's page is well under 5 MiB
    max_text_chars: int = 500_000  # loaded text handed to the pipeline (reports: ~10⁴–10⁵)
    max_inflated_bytes: int = 256 * MIB  # all members of a .docx, inflated
    memory_bytes: int = 1024 * MIB  # address space of the parser's process
    seconds: float = 15.0  # wall clock of one parse
    document_seconds: float = 20.0  # wall clock of one document in `nianbao extract` (rules backend)

    @classmethod
    def from_env(cls) -> Limits:
        env = os.environ.get
        values: dict[str, float] = {}
        try:
            if env("NIANBAO_MAX_FILE_MB"):
                values["max_file_bytes"] = int(float(env("NIANBAO_MAX_FILE_MB")) * MIB)
            if env("NIANBAO_MAX_MEMORY_MB"):
                values["memory_bytes"] = int(float(env("NIANBAO_MAX_MEMORY_MB")) * MIB)
            if env("NIANBAO_LOAD_TIMEOUT"):
                values["seconds"] = float(env("NIANBAO_LOAD_TIMEOUT"))
                values["document_seconds"] = values["seconds"] + 5.0
        except ValueError as e:
            from extractor.errors import ConfigError
            raise ConfigError(f"a NIANBAO_MAX_* / NIANBAO_LOAD_TIMEOUT setting is not a number: {e}") from None
        return cls(**values)


def read_file(path: Path, limits: Limits, *, text: bool) -> bytes:
    """The bytes of a regular file no larger than the limit for its kind."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a document") from None
    except OSError as e:
        raise UnreadableDocument(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{path}: is a directory, not a document")
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableDocument(f"{path}: not a regular file ({_kind(st.st_mode)}); nianbao reads documents only")
        limit = limits.max_text_bytes if text else limits.max_file_bytes
        if st.st_size > limit:
            raise TooLarge(f"{path}: too large ({st.st_size / MIB:.1f} MiB; the limit is {limit / MIB:.0f} MiB)")
        with os.fdopen(fd, "rb", closefd=True) as f:
            fd = -1
            data = f.read(limit + 1)  # a file that grows while we read is still cut off
    except OSError as e:
        raise UnreadableDocument(f"{path}: cannot read ({e.strerror or e})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise TooLarge(f"{path}: too large (over {limit / MIB:.0f} MiB)")
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def check_size(data: bytes, label: str, limits: Limits, *, text: bool) -> None:
    limit = limits.max_text_bytes if text else limits.max_file_bytes
    if len(data) > limit:
        raise TooLarge(f"{label}: too large ({len(data) / MIB:.1f} MiB; the limit is {limit / MIB:.0f} MiB)")


def check_text(text: str, label: str, limits: Limits) -> None:
    if len(text) > limits.max_text_chars:
        raise TooLarge(f"{label}: too large ({len(text):,} characters of text; the limit is "
                       f"{limits.max_text_chars:,})")


def check_zip(data: bytes, label: str, limits: Limits) -> None:
    """Inflate every member as a stream, counting what comes out; refuse bombs and broken archives."""
    import io
    import zipfile  # here, not at the top: zipfile imports shutil, bz2 and lzma, which a text extract never needs
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > 10_000:
                raise TooLarge(f"{label}: too many parts in the .docx archive ({len(members):,})")
            declared = sum(m.file_size for m in members)
            if declared > limits.max_inflated_bytes:
                raise TooLarge(f"{label}: too large once unpacked ({declared / MIB:.0f} MiB declared; "
                               f"the limit is {limits.max_inflated_bytes / MIB:.0f} MiB)")
            total = 0
            for member in members:
                if member.is_dir():
                    continue
                seen = 0
                with archive.open(member) as stream:
                    while chunk := stream.read(MIB):
                        seen += len(chunk)
                        total += len(chunk)
                        if seen > member.file_size or total > limits.max_inflated_bytes:
                            raise TooLarge(f"{label}: too large once unpacked (a part inflates past its "
                                           "declared size or the limit)")
    except InputError:
        raise
    except Exception as e:  # BadZipFile, zlib.error, EOFError, NotImplementedError (an odd compression) …
        raise UnreadableDocument(f"{label}: not a readable .docx file (broken archive: {type(e).__name__})") from None


@contextmanager
def deadline(seconds: float | None, label: str) -> Iterator[None]:
    """Raise :class:`TooSlow` in the code inside after ``seconds`` (SIGALRM; main thread only,
    elsewhere a no-op). For one document's whole pipeline, where a forked parse is not enough."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def time_up(signum, frame):
        raise TooSlow(f"{label}: too slow to read (no result after {seconds:g} s); is it unusually large?")

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------- the parser's own process

def isolated(parse: Callable[[bytes, str], str], data: bytes, label: str, limits: Limits, what: str) -> str:
    """``parse(data, label)`` in a forked child with ``limits.memory_bytes`` of address space,
    killed after ``limits.seconds``. Its input errors come back as they are; anything else
    (an exception, running out of memory, a crash) is an input error naming the file."""
    if resource is None or not hasattr(os, "fork"):
        return parse(data, label)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(parse, data, label, limits, write_end)
    os.close(write_end)
    try:
        payload, timed_out = _receive(read_end, limits.seconds)
    finally:
        os.close(read_end)
        _reap(pid)
    if timed_out:
        raise TooSlow(f"{label}: too slow to read (no text after {limits.seconds:g} s); the {what} is damaged or unusually large")
    if payload is None:
        raise TooLarge(f"{label}: reading it needed more than {limits.memory_bytes / MIB:.0f} MiB of memory, "
                       f"or its parser crashed; the {what} is damaged or unusually large")
    kind, value = payload
    if kind == "ok":
        return value
    if kind == "memory":
        raise TooLarge(f"{label}: reading it needed more than {limits.memory_bytes / MIB:.0f} MiB of memory")
    cls, message = value
    raise cls(message)


def _child(parse, data: bytes, label: str, limits: Limits, fd: int) -> None:
    import pickle  # only PDF and Word parsing is isolated: a text extract does not import it

    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _limit_memory(limits.memory_bytes)
        # CPU seconds too: if the parent is killed (a batch worker past its deadline), nothing
        # is left to kill this process, and the kernel ends it instead.
        cpu = int(limits.seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        try:
            payload = ("ok", parse(data, label))
        except InputError as e:
            payload = ("error", (type(e), str(e)))
        except MemoryError:
            payload = ("memory", None)
        except RecursionError:
            payload = ("error", (UnreadableDocument, f"{label}: not a readable file (nested too deeply)"))
        except Exception as e:  # every other failure of a parser is a broken file
            payload = ("error", (UnreadableDocument, f"{label}: not a readable file ({type(e).__name__})"))
        try:
            blob = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            blob = pickle.dumps(("memory", None))
        view = memoryview(blob)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:  # noqa: BLE001 - the parent reads a missing answer as a failure
        code = 1
    finally:
        os._exit(code)


def _limit_memory(limit: int) -> None:
    """Cap the address space, leaving room for what this process has mapped already."""
    floor = _vm_size() + 256 * MIB
    target = max(limit, floor)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        target = min(target, hard)
    resource.setrlimit(resource.RLIMIT_AS, (target, hard))


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _receive(fd: int, seconds: float) -> tuple[tuple | None, bool]:
    """(the child's answer or None when it ended without one, whether it ran out of time)."""
    import pickle

    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, True
        try:
            ready, _, _ = select.select([fd], [], [], left)
        except InterruptedError:
            continue
        if not ready:
            return None, True
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    try:
        return pickle.loads(b"".join(chunks)), False
    except Exception:  # noqa: BLE001 - a truncated answer: the child died mid-write
        return None, False


def _reap(pid: int) -> None:
    """Kill the child if it still runs (it has answered, or run out of time), and wait for it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
