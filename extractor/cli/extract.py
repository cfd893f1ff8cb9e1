"""``nianbao extract FILE… [--json | --cells | --text]``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from extractor.api import extract_document
from extractor.cli.render import print_summary
from extractor.errors import InputError
from extractor.load import load, shown_path
from extractor.load.guard import Limits, deadline
from extractor.settings import Settings
from extractor.validate import is_fatal

STRICT_EXIT = 3  # --strict and some document has an error finding; the output is still written
SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def register(sub) -> None:
    p = sub.add_parser("extract", help="extract one or more reports",
                       description="Extract reports. Directories are searched for .txt .md .html .pdf .docx.")
    p.add_argument("paths", nargs="+", metavar="FILE", type=Path)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="the full result (output-contract.md)")
    out.add_argument("--cells", action="store_true", help="flat {cell id: value-or-null}")
    out.add_argument("--text", action="store_true", help="the normalised text the spans index into")
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="auto")
    p.add_argument("--strict", action="store_true",
                   help=f"exit {STRICT_EXIT} when a document has an error finding (a table value is certainly wrong)")
    p.set_defaults(func=run)


def expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
            if not found:
                raise InputError(f"{shown_path(path)}: a folder with no .txt .md .html .pdf .docx file in it")
            files.extend(found)
        else:
            files.append(path)
    return files


def run(args) -> int:
    settings = Settings(backend=args.backend)
    files = expand(args.paths)
    limits = Limits.from_env()
    # An LLM backend's time is bounded by its requests' own limits (docs/llm.md).
    seconds = limits.document_seconds if settings.resolved_backend() == "rules" else None
    status = 0
    for path in files:
        try:
            with deadline(seconds, shown_path(path)):
                doc = load(path, limits=limits)
                result = None if args.text else extract_document(doc, settings)
            if args.text:
                sys.stdout.write(doc.text)
                continue
        except InputError as e:
            if len(files) == 1:
                raise
            print(f"nianbao: error: {e}", file=sys.stderr)
            status = 2
            continue
        if is_fatal(result.findings, args.strict) and status == 0:
            status = STRICT_EXIT
        if args.json:
            print(result.model_dump_json(indent=None if len(files) > 1 else 2))
        elif args.cells:
            print(json.dumps(result.values(), ensure_ascii=False, indent=None if len(files) > 1 else 2))
        else:
            print_summary(result, doc.name)
    return status
