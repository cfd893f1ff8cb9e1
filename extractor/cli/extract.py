"""``nianbao extract FILE… [--json | --cells | --text]``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from extractor.cli.i18n import t

STRICT_EXIT = 3  # --strict and some document has an error finding; the output is still written
SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def register(sub) -> None:
    p = sub.add_parser("extract", help=t("提取一份或多份年报", "extract one or more reports"),
                       description=t("提取年报。文件夹中查找 .txt .md .html .pdf .docx 文件。",
                                     "Extract reports. Directories are searched for .txt .md .html .pdf .docx."))
    p.add_argument("paths", nargs="+", metavar=t("文件", "FILE"), type=Path)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help=t("完整结果（见 output-contract.md）",
                                                           "the full result (output-contract.md)"))
    out.add_argument("--cells", action="store_true",
                     help=t("扁平的 {单元格编号: 数值或 null}；多个文件时每行一个 {\"path\", \"cells\"}",
                            "flat {cell id: value-or-null}; with several files one {\"path\", \"cells\"} per line"))
    out.add_argument("--text", action="store_true", help=t("规范化后的全文（span 以它为准）",
                                                           "the normalised text the spans index into"))
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="auto",
                   help=t("读取方式（默认 auto）", "the reader (default auto)"))
    p.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                   help=t("扫描件：auto 对没有文字层的 PDF 和图片（.png .jpg .tif）做 OCR；需要 pip install 'nianbao[ocr]'",
                          "scans: auto = OCR PDFs without a text layer and images (.png .jpg .tif); "
                          "needs pip install 'nianbao[ocr]'"))
    p.add_argument("--strict", action="store_true",
                   help=t(f"有错误级别的校验发现时退出码为 {STRICT_EXIT}",
                          f"exit {STRICT_EXIT} when a document has an error finding (a table value is certainly wrong)"))
    p.set_defaults(func=run)


def expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
            if not found:
                from extractor.errors import InputError
                from extractor.load import shown_path
                raise InputError(f"{shown_path(path)}: a folder with no .txt .md .html .pdf .docx file in it")
            files.extend(found)
        else:
            files.append(path)
    return files


def _ocr_progress() -> None:
    """OCR reports each page read on the ``nianbao.ocr`` logger: show it on a terminal's stderr
    (scripts reading stderr get only the one-line errors)."""
    if not sys.stderr.isatty():  # before importing logging: piped runs need none of it
        return
    import logging
    log = logging.getLogger("nianbao.ocr")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("nianbao: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def run(args) -> int:
    from extractor.api import extract_document
    from extractor.cli.main import error_line
    from extractor.errors import InputError
    from extractor.load import load, shown_path
    from extractor.load.guard import Limits, deadline
    from extractor.settings import Settings
    from extractor.validate import is_fatal

    settings = Settings.build(backend=args.backend, ocr=args.ocr)  # argparse checked both
    _ocr_progress()
    files = expand(args.paths)
    several = len(files) > 1
    limits = Limits.from_env()
    # An LLM backend's time is bounded by its requests' own limits (docs/llm.md); OCR by its pages.
    seconds = limits.document_seconds if settings.resolved_backend() == "rules" and args.ocr != "always" else None
    status = 0
    for path in files:
        try:
            with deadline(seconds, shown_path(path)):
                doc = load(path, ocr=settings.ocr, ocr_jobs=settings.ocr_jobs, limits=limits)
                result = None if args.text else extract_document(doc, settings)
            if args.text:
                sys.stdout.write(doc.text)
                continue
        except InputError as e:
            if not several:
                raise
            print(error_line(e), file=sys.stderr)
            status = 2
            continue
        assert result is not None  # None only with --text, which continued above
        if is_fatal(result.findings, args.strict) and status == 0:
            status = STRICT_EXIT
        if args.json:
            print(result.model_dump_json(indent=None if several else 2))
        elif args.cells:
            print(json.dumps(cells_line(str(path), result.values()) if several else result.values(),
                             ensure_ascii=False, indent=None if several else 2))
        else:
            from extractor.cli.render import print_summary

            print_summary(result, doc.name)
    return status


def cells_line(path: str, values: dict) -> dict:
    """One file's line of ``--cells`` over several files: which file, then its cells."""
    return {"path": path, "cells": values}
