"""Hostile-input fuzzing: a generated corpus of broken files, each run through ``nianbao extract``.

    python -m evals.fuzz [--count 2000] [--seed 0] [--workdir DIR] [--no-batch] [--json]

The corpus is made from the bundled fixtures (texts, PDFs, the Word file, an HTML page made
from a text): bit flips, truncations, spliced random bytes, zip bombs (declared and lying
sizes), entity blow-ups, deep nesting, huge lines, odd encodings, random bytes under every
suffix, and special files (FIFOs, symlinks to /dev/zero and /dev/urandom, folders named like
documents, broken symlinks). Each input runs ``nianbao extract FILE --json`` in a forked
child of this process (the modules are imported once), killed after ``--hang-seconds``.
Per input: the exit code, seconds and the peak RSS of the child and its parser processes
(``wait4``). The seconds leave out the interpreter's start and imports (about 1–2 s for a
real ``nianbao`` command): add them when comparing with a limit on whole commands. Then one ``nianbao batch`` over the whole corpus must account for every input.

Asserted (exit 3 when broken): no internal error (exit 1, or a traceback), no run over
``--hang-seconds`` (30), none over 1 GiB of RSS.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
GIB = 1 << 30


# ---------------------------------------------------------------- the corpus

def _seeds() -> dict[str, list[bytes]]:
    texts = [p.read_bytes() for p in sorted(FIXTURES.glob("00?_*/*.txt"))]
    pdfs = [p.read_bytes() for p in sorted(FIXTURES.glob("*/*.pdf"))]
    docxs = [p.read_bytes() for p in sorted(FIXTURES.glob("*/*.docx"))]
    htmls = [_html_of(t.decode("utf-8")) for t in texts[:2]]
    return {".txt": texts, ".pdf": pdfs, ".docx": docxs, ".html": htmls}


def _html_of(text: str) -> bytes:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>" if "\t" in line
                   else f"<p>{line}</p>" for line in text.splitlines())
    return f"<!doctype html><html><body><table>{rows}</table></body></html>".encode()


def _docx(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64, 512))):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _splice(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    n = rng.choice((16, 256, 4096))
    return data[:i] + rng.randbytes(n) + data[i + n:]


def _bombs(quick: bool) -> list[tuple[str, bytes]]:
    lying = bytearray(_docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 400_000}))
    cd = lying.rfind(b"PK\x01\x02")
    lying[cd + 24:cd + 28] = (64).to_bytes(4, "little")  # declares 64 bytes, inflates to 5 MB
    many = _docx({f"word/part{i}.xml": b"x" for i in range(10_001)})
    out = [("zip-lying-size", bytes(lying)), ("zip-many-members", many)]
    if not quick:
        zeros = _docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (300 << 20)})
        nested = _docx({"word/document.xml": _docx({"inner.docx": b"\0" * (50 << 20)})})
        out += [("zip-bomb", zeros), ("zip-nested", nested)]
    return out


def _entities() -> list[tuple[str, str, bytes]]:
    lol = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "' + b"a" * 100 + b'">' + b"".join(
        b'<!ENTITY %c "%s">' % (ord("b") + i, (b"&%c;" % (ord("a") + i)) * 10) for i in range(9)) + b"]>"
    body = lol + b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' \
                 b"<w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>"
    ext = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]><l>&x;</l>'
    return [("entities-docx", ".docx", _docx({"[Content_Types].xml": lol + b"<Types/>", "word/document.xml": body})),
            ("entities-html", ".html", lol.replace(b"<?xml version=\"1.0\"?>", b"") + b"<html><body>&j;</body></html>"),
            ("xxe-docx", ".docx", _docx({"[Content_Types].xml": ext, "word/document.xml": ext}))]


def _nesting() -> list[tuple[str, str, bytes]]:
    deep = 200_000
    return [("deep-html", ".html", b"<html><body>" + b"<div>" * deep + "政府信息公开".encode() + b"</div>" * deep),
            ("deep-table-html", ".html", b"<table><tr><td>" * 20_000 + "年度报告".encode()),
            ("deep-docx", ".docx", _docx({"word/document.xml": b"<a>" * deep + b"</a>" * deep})),
            ("deep-pdf", ".pdf", b"%PDF-1.4\n1 0 obj\n" + b"[" * deep + b"]" * deep + b"\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF"),
            ("self-ref-pdf", ".pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages"
                                     b"/Kids[2 0 R]/Count 1>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF")]


def _huge_lines(rng: random.Random, sample: str) -> list[tuple[str, str, bytes]]:
    digits = " ".join(str(rng.randrange(1000)) for _ in range(2_000_000))
    rows = "\n".join("\t".join(str(rng.randrange(100)) for _ in range(15)) for _ in range(10_000))
    return [("huge-line-txt", ".txt", ("政府信息公开工作年度报告 " + digits).encode()),
            ("huge-line-html", ".html", b"<html><body><p>" + "政府信息公开 ".encode() * 2_500_000 + b"</p></body></html>"),
            ("huge-rows-txt", ".txt", ("政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + rows).encode()),
            ("repeated-report-txt", ".txt", (sample * 60).encode()),
            ("one-line-report-txt", ".txt", sample.replace("\n", " ").encode())]


def _encodings(sample: str) -> list[tuple[str, str, bytes]]:
    out = []
    for codec in ("utf-16-le", "utf-16-be", "utf-16", "utf-32", "utf-32-le", "big5", "shift_jis", "cp500",
                  "euc-kr", "gb2312", "utf-7", "iso2022_jp"):
        out.append((f"enc-{codec}", ".txt", sample.encode(codec, "replace")))
    out.append(("enc-mixed", ".txt", sample[:2000].encode("utf-8") + sample[2000:].encode("gbk", "replace")))
    out.append(("enc-bom-only", ".txt", b"\xef\xbb\xbf"))
    out.append(("enc-nul-sprinkled", ".txt", sample.encode().replace("。".encode(), b"\0")))
    out.append(("enc-surrogates", ".txt", sample.encode("utf-8") + b"\xed\xa0\x80\xed\xb0\x80"))
    return out


def _specials(root: Path) -> list[tuple[str, Path]]:
    made = []

    def add(kind: str, name: str, make) -> None:
        path = root / name
        try:
            make(path)
            made.append((kind, path))
        except OSError:
            pass

    add("fifo", "fifo.pdf", os.mkfifo)
    add("fifo", "fifo.txt", os.mkfifo)
    add("dev-zero", "zero.txt", lambda p: p.symlink_to("/dev/zero"))
    add("dev-zero", "zero.docx", lambda p: p.symlink_to("/dev/zero"))
    add("dev-urandom", "urandom.pdf", lambda p: p.symlink_to("/dev/urandom"))
    add("dev-null", "null.html", lambda p: p.symlink_to("/dev/null"))
    add("folder", "folder.pdf", lambda p: p.mkdir())
    add("folder", "empty-folder.txt", lambda p: p.mkdir())
    add("broken-link", "gone.txt", lambda p: p.symlink_to(root / "does-not-exist"))
    add("empty", "empty.pdf", lambda p: p.write_bytes(b""))
    add("unsupported", "sheet.xlsx", lambda p: p.write_bytes(b"PK\x03\x04"))
    return made


# Shapes that take seconds each (a parser run to its time limit, the pipeline on the largest
# text allowed): the full run only, not the quick subset in `make test`.
SLOW_KINDS = frozenset({"deep-pdf", "huge-rows-txt", "huge-line-txt"})


def make_corpus(root: Path, count: int, seed: int = 0, *, quick: bool = False) -> list[tuple[str, Path]]:
    """About ``count`` inputs under ``root`` as ``(kind, path)``: every fixed hostile shape once,
    the rest random mutations of the seeds spread over their formats. ``quick``: no slow shapes
    and no PDF mutations (pdfplumber takes a second or more on each)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    seeds = _seeds()
    sample = seeds[".txt"][0].decode("utf-8")
    corpus: list[tuple[str, Path]] = []

    def write(kind: str, suffix: str, data: bytes) -> None:
        if quick and kind in SLOW_KINDS:
            return
        path = root / f"{len(corpus):05d}-{kind}{suffix}"
        path.write_bytes(data)
        corpus.append((kind, path))

    for kind, data in _bombs(quick):
        write(kind, ".docx", data)
    fixed = [*_entities(), *_nesting(), *([] if quick else _huge_lines(rng, sample)), *_encodings(sample)]
    for kind, suffix, data in fixed:
        write(kind, suffix, data)
    corpus.extend(_specials(root))
    for suffix in (".txt", ".pdf", ".docx", ".html", ".md"):
        write("random-bytes", suffix, rng.randbytes(rng.choice((10, 1000, 100_000))))
    write("odd-name", os.fsdecode(b"-\xff\xfe\x80.txt"), seeds[".txt"][1])
    mutations = (("bitflip", _flip), ("truncate", _truncate), ("splice", _splice))
    formats = [(s, d) for s, ds in seeds.items() for d in ds if not (quick and s == ".pdf")]
    while len(corpus) < count:
        suffix, data = rng.choice(formats)
        kind, mutate = rng.choice(mutations)
        write(f"{kind}-{suffix[1:]}", suffix, mutate(data, rng))
    return corpus


# ---------------------------------------------------------------- running

@dataclass(slots=True)
class Run:
    kind: str
    path: str
    code: int | None  # None: killed after the time limit
    seconds: float
    maxrss_mb: float
    internal: bool
    message: str


def run_one(kind: str, path: Path, hang_seconds: float) -> Run:
    """``nianbao extract PATH --json`` in a forked child; its exit code, time and peak RSS."""
    from extractor.cli.main import main
    err = tempfile.TemporaryFile()
    t = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(err.fileno(), 2)
            code = main(["extract", os.fspath(path), "--json"])
        except BaseException:  # noqa: BLE001 - whatever escapes main is an internal error
            import traceback
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code if isinstance(code, int) else 1)
    code, usage = _wait(pid, hang_seconds)
    seconds = time.monotonic() - t
    err.seek(0)
    message = err.read().decode("utf-8", "backslashreplace").strip()
    err.close()
    internal = code == 1 or "Traceback" in message or "internal error" in message
    return Run(kind, os.fsencode(path).decode("utf-8", "backslashreplace"), code, round(seconds, 3),
               round(usage.ru_maxrss / 1024, 1), internal, message.splitlines()[-1][:300] if message else "")


def _wait(pid: int, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return (os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)), usage
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            return None, usage
        time.sleep(0.005)


def run_corpus(corpus: list[tuple[str, Path]], hang_seconds: float = 30.0, progress: bool = False) -> list[Run]:
    from extractor.cli.main import build_parser
    build_parser("extract")  # imports the sub-command and the pipeline once here, not in each child
    import extractor.api  # noqa: F401
    runs = []
    for i, (kind, path) in enumerate(corpus, 1):
        runs.append(run_one(kind, path, hang_seconds))
        if progress and i % 100 == 0:
            print(f"{i}/{len(corpus)} run, {sum(r.internal for r in runs)} internal errors", file=sys.stderr)
    return runs


def figures(runs: list[Run]) -> dict:
    hangs = [r for r in runs if r.code is None or r.seconds > 30]
    return {
        "inputs": len(runs),
        "internal_errors": sum(r.internal for r in runs),
        "hangs_over_30s": len(hangs),
        "over_1gib": sum(r.maxrss_mb > 1024 for r in runs),
        "max_rss_mb": max((r.maxrss_mb for r in runs), default=0),
        "max_seconds": max((r.seconds for r in runs), default=0),
        "exit_codes": dict(sorted(Counter(str(r.code) for r in runs).items())),
    }


def batch_check(corpus: list[tuple[str, Path]], root: Path, out: Path) -> dict:
    """One batch over the corpus folder: every regular input accounted for, within bounds."""
    from extractor.batch import BatchOptions, run_batch
    t = time.monotonic()
    summary = run_batch([str(root)], out, BatchOptions(backend="rules", timeout=60))
    docs = summary["documents"]
    return {"seconds": round(time.monotonic() - t, 1), "inputs": docs["inputs"], "ok": docs["ok"],
            "failed": docs["failed"], "failed_by_reason": docs["failed_by_reason"],
            "worker_maxrss_mb": round(summary["last_run"]["worker_maxrss_kb"] / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Hostile-input fuzzing of nianbao extract and batch.")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--hang-seconds", type=float, default=30.0)
    parser.add_argument("--no-batch", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as tmp:
        work = args.workdir or Path(tmp)
        t = time.monotonic()
        corpus = make_corpus(work / "corpus", args.count, args.seed)
        made = time.monotonic() - t
        runs = run_corpus(corpus, args.hang_seconds, progress=True)
        report = {"figures": figures(runs), "corpus_seconds": round(made, 1),
                  "by_kind": _by_kind(runs),
                  "bad": [asdict(r) for r in runs if r.internal or r.code is None or r.maxrss_mb > 1024]}
        if not args.no_batch:
            report["batch"] = batch_check(corpus, work / "corpus", work / "batch-out")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        f = report["figures"]
        print(f"inputs {f['inputs']} · internal errors {f['internal_errors']} · runs over 30 s {f['hangs_over_30s']}"
              f" · over 1 GiB {f['over_1gib']} · max RSS {f['max_rss_mb']:.0f} MiB · slowest {f['max_seconds']:.1f} s"
              f" · exit codes {f['exit_codes']}")
        for kind, k in report["by_kind"].items():
            print(f"  {kind:22} {k['n']:5d} inputs  codes {k['codes']}  max {k['max_seconds']:.1f} s "
                  f"{k['max_rss_mb']:.0f} MiB")
        if "batch" in report:
            print(f"batch: {report['batch']}")
        for r in report["bad"]:
            print(f"BAD {r['kind']} {r['path']}: code {r['code']} {r['seconds']} s {r['maxrss_mb']} MiB {r['message']}")
    ok = not report["bad"]
    return 0 if ok else 3


def _by_kind(runs: list[Run]) -> dict:
    kinds: dict[str, dict] = {}
    for r in runs:
        k = kinds.setdefault(r.kind, {"n": 0, "codes": Counter(), "max_seconds": 0.0, "max_rss_mb": 0.0})
        k["n"] += 1
        k["codes"][str(r.code)] += 1
        k["max_seconds"] = max(k["max_seconds"], r.seconds)
        k["max_rss_mb"] = max(k["max_rss_mb"], r.maxrss_mb)
    return {kind: {**k, "codes": dict(k["codes"])} for kind, k in sorted(kinds.items())}


if __name__ == "__main__":
    sys.exit(main())
