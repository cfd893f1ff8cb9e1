"""``nianbao review PATH`` (interactive) and ``nianbao review list|set|export PATH …``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from extractor.errors import InputError
from extractor.review import Review, Store, open_folder
from extractor.review.export import export_gold, export_results
from extractor.review.queue import DEFAULT_THRESHOLD, proposed_repair
from extractor.review.session import reviewer_name
from extractor.review.view import fmt
from extractor.settings import Settings
from schemas import specs

_FORMS = {
    None: ("nianbao review PATH", "review interactively (a results folder, or one document)"),
    "list": ("nianbao review list PATH [--json]", "the queue of cells needing a person"),
    "set": ("nianbao review set PATH DOC CELL VALUE", "record a decision (VALUE: a number or 'missing')"),
    "export": ("nianbao review export PATH --gold DIR [--results DIR]", "reviewed documents out"),
}
_ARITY = {None: 1, "list": 1, "set": 4, "export": 1}
USAGE = "\n       ".join(f"{form:55} {what}" for form, what in _FORMS.values())


def register(sub) -> None:
    p = sub.add_parser("review", help="review low-confidence cells; export corrections as gold", usage=USAGE,
                       description="Walk the cells that need a person, most impact first. Every decision is "
                                   "written at once to DIR/review.sqlite (an append-only audit log).")
    p.add_argument("words", nargs="+", metavar="[list|set|export] PATH …")
    p.add_argument("--reviewer", help="name in the audit log (default: $NIANBAO_REVIEWER, then $USER)")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"cells below this confidence need a look (default {DEFAULT_THRESHOLD})")
    p.add_argument("--out", type=Path, help="for one document: the results folder to extract into "
                                            "(default FILE.nianbao/)")
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="auto",
                   help="for one document: the backend that extracts it")
    p.add_argument("--json", action="store_true", help="list: JSON instead of a table")
    p.add_argument("--gold", type=Path, help="export: write reviewed documents as gold fixtures here")
    p.add_argument("--results", type=Path, help="export: write reviewed results (a results folder) here")
    p.set_defaults(func=run)


def run(args) -> int:
    command = args.words[0] if args.words[0] in _ARITY else None
    operands = args.words[1:] if command else args.words
    if len(operands) != _ARITY[command]:
        raise InputError(f"usage: {_FORMS[command][0]}")
    folder = open_folder(Path(operands[0]), args.out, Settings(backend=args.backend))
    with Store(folder.store_path) as store:
        review = Review(folder, store, reviewer_name(args.reviewer), args.threshold)
        if command == "list":
            return list_queue(review, args.json)
        if command == "set":
            return set_value(review, *operands[1:])
        if command == "export":
            return export(review, args.gold, args.results)
        return interactive(review)


def interactive(review: Review) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError("the interactive review needs a terminal; in scripts use "
                         "`nianbao review list|set|export`")
    from extractor.review.ui import ReviewApp  # Textual only where it is used

    ReviewApp(review).run()
    return 0


def list_queue(review: Review, as_json: bool) -> int:
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
    console.print(f"{len(rows)} cells need a person in {len(review.entries)} document(s)")
    return 0


def set_value(review: Review, doc: str, cell: str, value: str) -> int:
    entry = review.folder.find(doc)
    missing = value.strip().lower() == "missing"
    event = review.decide(entry, cell, "missing" if missing else "correct", None if missing else value)
    print(f"{entry.name} {cell}: {fmt(event.old)} → {fmt(event.new)} ({event.action}, {event.reviewer})")
    return 0


def export(review: Review, gold: Path | None, results: Path | None) -> int:
    if gold is None and results is None:
        raise InputError(f"usage: {_FORMS['export'][0]}")
    if gold is not None:
        written = export_gold(review, gold)
        print(f"{len(written)} reviewed document(s) written as gold fixtures under {gold}")
    if results is not None:
        written = export_results(review, results)
        print(f"{len(written)} result(s) written under {results}")
    return 0
