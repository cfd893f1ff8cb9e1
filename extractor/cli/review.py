"""``nianbao review PATH`` (interactive) and ``nianbao review list|set|export PATH …``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from extractor.cli.i18n import t

DEFAULT_THRESHOLD = 0.8  # extractor.review.queue.DEFAULT_THRESHOLD (checked by a test; not imported for --help)
_FORMS = {
    None: ("nianbao review PATH", ("逐个审核（结果文件夹或单个文件）", "review interactively (a results folder, or one document)")),
    "list": ("nianbao review list PATH [--json]", ("需要人工看的单元格队列", "the queue of cells needing a person")),
    "set": ("nianbao review set PATH DOC CELL VALUE [--reason TEXT]",
            ("记录一个决定（VALUE：数字或 missing）", "record a decision (VALUE: a number or 'missing')")),
    "export": ("nianbao review export PATH --gold DIR [--results DIR]", ("导出审核过的文件", "reviewed documents out")),
}
_ARITY = {None: 1, "list": 1, "set": 4, "export": 1}


def _usage() -> str:
    return "\n       ".join(f"{form:55} {t(*what)}" for form, what in _FORMS.values())


def register(sub) -> None:
    p = sub.add_parser(
        "review", help=t("人工审核低置信度的单元格；把更正导出为标注", "review low-confidence cells; export corrections as gold"),
        usage=_usage(),
        description=t("按影响大小逐个查看需要人工判断的单元格。每个决定立即写入 DIR/review.sqlite（只追加的审计日志）；"
                      "用 nianbao export DIR 把决定写入 cells.csv/.parquet/.xlsx 和 summary.json。",
                      "Walk the cells that need a person, most impact first. Every decision is written at once to "
                      "DIR/review.sqlite (an append-only audit log); nianbao export DIR writes the decisions into "
                      "cells.csv/.parquet/.xlsx and summary.json."))
    p.add_argument("words", nargs="+", metavar="[list|set|export] PATH …")
    p.add_argument("--reviewer", help=t("审计日志中的审核人（默认 $NIANBAO_REVIEWER，其次 $USER）",
                                        "name in the audit log (default: $NIANBAO_REVIEWER, then $USER)"))
    p.add_argument("--reason", help=t("set：决定的理由（写入审计日志和导出的表格）",
                                      "set: why (kept in the audit log and the exported tables)"))
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=t(f"置信度低于此值的单元格需要人工看（默认 {DEFAULT_THRESHOLD}）",
                          f"cells below this confidence need a look (default {DEFAULT_THRESHOLD})"))
    p.add_argument("--out", type=Path, help=t("单个文件时：提取到的结果文件夹（默认 FILE.nianbao/）",
                                              "for one document: the results folder to extract into "
                                              "(default FILE.nianbao/)"))
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="auto",
                   help=t("单个文件时：提取所用的读取方式", "for one document: the backend that extracts it"))
    p.add_argument("--json", action="store_true", help=t("list：输出 JSON 而不是表格", "list: JSON instead of a table"))
    p.add_argument("--gold", type=Path, help=t("export：把审核过的文件写成标注数据", "export: write reviewed documents as gold fixtures here"))
    p.add_argument("--results", type=Path, help=t("export：把审核后的结果写成结果文件夹",
                                                  "export: write reviewed results (a results folder) here"))
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.errors import InputError
    from extractor.review import Review, Store, open_folder
    from extractor.review.session import reviewer_name
    from extractor.settings import Settings

    command = args.words[0] if args.words[0] in _ARITY else None
    operands = args.words[1:] if command else args.words
    if len(operands) != _ARITY[command]:
        raise InputError(t(f"用法：{_FORMS[command][0]}", f"usage: {_FORMS[command][0]}"))
    folder = open_folder(Path(operands[0]), args.out, Settings(backend=args.backend))
    with Store(folder.store_path) as store:
        review = Review(folder, store, reviewer_name(args.reviewer), args.threshold)
        if command == "list":
            return list_queue(review, args.json)
        if command == "set":
            doc, cell, value = operands[1:]
            return set_value(review, doc, cell, value, reason=args.reason)
        if command == "export":
            return export(review, args.gold, args.results)
        return interactive(review)


def interactive(review) -> int:
    from extractor.errors import InputError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError(t("逐个审核需要终端；脚本中请用 `nianbao review list|set|export`",
                           "the interactive review needs a terminal; in scripts use "
                           "`nianbao review list|set|export`"))
    from extractor.review.ui import ReviewApp  # Textual only where it is used

    ReviewApp(review).run()
    return 0


def list_queue(review, as_json: bool) -> int:
    from rich.console import Console
    from rich.table import Table

    from extractor.review.queue import proposed_repair
    from extractor.review.view import fmt
    from schemas import specs

    rows = []
    for entry in review.entries:
        result = review.result(entry)
        labels = specs(result.meta.template)
        for item in review.queue(entry):
            cell, spec = result.cells[item.cell], labels[item.cell]
            repair = proposed_repair(result, item.cell)
            rows.append({"doc": entry.key, "name": entry.name, "cell": item.cell, "part": spec.part,
                         "row": spec.row, "column": spec.column, "value": cell.value, "status": cell.status,
                         "confidence": cell.confidence, "reasons": list(item.reasons),
                         "repair": repair[0] if repair else None, "repairs": item.repairs,
                         "broken": item.broken})
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    table = Table(box=None, pad_edge=False)
    for name, wide in (("doc", False), ("cell", False), ("value", False), ("conf", False), ("why", False),
                       ("row × column", True)):
        table.add_column(name, no_wrap=not wide, overflow="ellipsis" if wide else "fold")
    for r in rows:
        value = fmt(r["value"]) + (f" → {fmt(r['repair'])}?" if r["repair"] is not None else "")
        table.add_row(r["name"], r["cell"], value, f"{r['confidence']:.2f}", ",".join(r["reasons"]),
                      f"{r['row']} × {r['column']}")
    # Piped into a file or grep, one line per cell: no wrapping at 80 columns.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 240)
    if rows:
        console.print(table)
    console.print(t(f"{len(review.entries)} 份文件中有 {len(rows)} 个单元格需要人工看",
                    f"{len(rows)} cells need a person in {len(review.entries)} document(s)"))
    return 0


def set_value(review, doc: str, cell: str, value: str, reason: str | None = None) -> int:
    from extractor.review.view import fmt

    entry = review.folder.find(doc)
    missing = value.strip().lower() == "missing"
    event = review.decide(entry, cell, "missing" if missing else "correct", None if missing else value, reason=reason)
    print(f"{entry.name} {cell}: {fmt(event.old)} → {fmt(event.new)} ({event.action}, {event.reviewer})")
    print(t(f"已记入 {review.folder.store_path}；运行 nianbao export {review.folder.root} 更新表格",
            f"recorded in {review.folder.store_path}; run nianbao export {review.folder.root} to update the tables"),
          file=sys.stderr)
    return 0


def export(review, gold: Path | None, results: Path | None) -> int:
    from extractor.errors import InputError
    from extractor.review.export import export_gold, export_results

    if gold is None and results is None:
        raise InputError(t(f"用法：{_FORMS['export'][0]}", f"usage: {_FORMS['export'][0]}"))
    if gold is not None:
        written = export_gold(review, gold)
        print(t(f"{len(written)} 份审核过的文件已写成标注数据，位于 {gold}",
                f"{len(written)} reviewed document(s) written as gold fixtures under {gold}"))
    if results is not None:
        written = export_results(review, results)
        print(t(f"{len(written)} 份结果已写入 {results}", f"{len(written)} result(s) written under {results}"))
    return 0
