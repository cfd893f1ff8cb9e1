"""``nianbao batch INPUT… --out DIR [--jobs N] [--backend …] [--force] [--timeout S] [--llm-rps R]``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from extractor.batch import BatchOptions, Outcome, run_batch


def register(sub) -> None:
    p = sub.add_parser(
        "batch", help="extract many reports into a results folder (resumable)",
        description="Extract every report in the INPUTs (files, folders searched recursively, globs) into DIR: "
                    "results/, texts/, errors/, cells.csv/.parquet, cells_wide.csv/.parquet, findings.csv, "
                    "inputs.csv, summary.json. Re-running skips documents already done.")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="the results folder")
    p.add_argument("--jobs", type=_positive(int), metavar="N",
                   help="documents at a time (default: CPU cores for rules, 4 for llm/hybrid)")
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="auto")
    p.add_argument("--force", action="store_true", help="re-extract documents that already have a result")
    p.add_argument("--timeout", type=_positive(float), default=120.0, metavar="S",
                   help="seconds per document before it is recorded as a timeout (default: 120)")
    p.add_argument("--llm-rps", type=_positive(float), metavar="R",
                   help="llm/hybrid: start at most R documents per second")
    p.set_defaults(func=run)


def run(args) -> int:
    options = BatchOptions(backend=args.backend, jobs=args.jobs, timeout=args.timeout, force=args.force,
                           llm_rps=args.llm_rps)
    console = Console(highlight=False, soft_wrap=True)
    if sys.stdout.isatty() and not os.environ.get("CI"):
        with _ProgressBar(console) as on_outcome:
            summary = run_batch(args.inputs, args.out, options, on_outcome)
    else:
        summary = run_batch(args.inputs, args.out, options)
    _print_summary(console, summary, args.out)
    failed_llm = summary["documents"]["failed_by_reason"].get("backend_error", 0)
    if failed_llm:
        pending = summary["documents"]["pending"]
        print(f"nianbao: error: the model endpoint failed for {failed_llm} document(s)"
              + (f"; stopped with {pending} not started" if pending else "")
              + f"; see {args.out}/inputs.csv and errors/", file=sys.stderr)
        return 1
    return 0


class _ProgressBar:
    """A progress bar with ok/failed counts, rate and ETA."""

    def __init__(self, console: Console):
        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[counts]}"), TextColumn("{task.fields[rate]}"),
                                 TimeRemainingColumn(), console=console, transient=True)
        self.task = self.progress.add_task("extracting", total=None, counts="", rate="")
        self.failed = 0

    def __enter__(self):
        self.progress.start()
        return self.on_outcome

    def __exit__(self, *_):
        self.progress.stop()

    def on_outcome(self, outcome: Outcome, done: int, total: int) -> None:
        self.failed += not outcome.ok
        speed = self.progress.tasks[0].speed
        self.progress.update(self.task, completed=done, total=total, rate=f"{speed:.1f} docs/s" if speed else "",
                             counts=f"{done - self.failed} ok · {self.failed} failed")


def _print_summary(console: Console, summary: dict, out: Path) -> None:
    docs, run, cells = summary["documents"], summary["last_run"], summary["cells"]
    failed = ", ".join(f"{n} {reason}" for reason, n in docs["failed_by_reason"].items())
    wall = run["seconds"]["run"] + run["seconds"]["discover"]
    console.print(f"[bold]{out}[/bold]: {docs['ok']} ok, {docs['failed']} failed" + (f" ({failed})" if failed else "")
                  + f" · {docs['inputs']} inputs, {docs['inputs'] - docs['distinct_inputs']} duplicate"
                  + (f" · {docs['pending']} pending" if docs["pending"] else ""))
    rate = run["processed"] / wall if wall else 0
    console.print(f"  this run: {run['processed']} processed, {run['skipped_done']} already done in {wall:.1f} s"
                  f" ({rate:.1f} docs/s), export {run['seconds']['export']:.1f} s")
    templates = docs["by_template"]
    console.print("  templates: " + ", ".join(f"{n} {t}" for t, n in templates.items()))
    hard = " ".join(f"{r} {_counts(c)}" for r, c in summary["hard_rules"].items())
    console.print(f"  hard rules (holding✓ / broken✗ / not checkable?): {hard}")
    cy = summary["cross_year"]
    several = cy["issuer_years_with_several_documents"]
    console.print(f"  cross-year: {cy['pairs']} pairs"
                  + (f" ({several} issuer-years with several documents, not paired)" if several else "")
                  + " · " + " ".join(f"{r} {_counts(cy[r])}" for r in ("S2", "S3")))
    console.print(f"  cells: {cells['ok']} ok, {cells['flagged']} flagged, {cells['missing']} missing")
    usage = summary["usage"]
    cost = f"${usage['cost_usd']:.4f}" if usage["cost_usd"] is not None else "cost unknown"
    console.print(f"  LLM: {usage['llm_calls']} calls, {usage['prompt_tokens']} prompt + "
                  f"{usage['completion_tokens']} completion tokens, {cost}" if usage["llm_calls"] else "  LLM: no calls")


def _counts(c: dict) -> str:
    return f"{c['holding']}✓/{c['broken']}✗/{c['not_checkable']}?"


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
        return value
    return parse
