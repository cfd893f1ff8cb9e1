"""``nianbao eval``: score a backend against the gold fixtures or synthetic reports.

Writes ``report.json`` and ``report.md`` to ``--out`` and prints the same tables. Exit codes:
0 ran (and every gate passed), 2 bad usage or input, 3 a quality gate failed.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from extractor.cli.i18n import t

GATE_FAILED = 3


def _console():
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)  # files and pipes get wide tables


def register(sub) -> None:
    p = sub.add_parser("eval", help=t("用人工标注或合成报告评测提取准确率",
                                      "score extraction against gold fixtures or synthetic reports"),
                       description=t("逐个单元格对照人工标注（默认）或真值已知的合成报告评测一种读取方式。"
                                     "评测报告的表格为英文。",
                                     "Score a backend cell by cell against hand-labelled gold fixtures "
                                     "(default) or generated reports with exact truth."))
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="rules")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--fixtures", type=Path, metavar="DIR", help="gold fixtures folder (default: evals/fixtures)")
    source.add_argument("--synth", type=int, metavar="N", help="score N generated reports instead")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated reports (with --synth)")
    p.add_argument("--inject", action="store_true",
                   help="with --synth: break one hard rule per report, to score the validator's findings")
    p.add_argument("--out", type=Path, metavar="DIR", help="where report.json and report.md go "
                   "(default: out/eval, or out/eval-synth with --synth)")
    p.add_argument("--baseline", type=Path, metavar="FILE", help="a previous report.json to compare with")
    p.add_argument("--fail-under-baseline", action="store_true",
                   help="exit 3 if cell accuracy drops below the baseline or invented cells / silent errors rise")
    p.add_argument("--tolerance", type=float, default=0.0, metavar="X",
                   help="accuracy may fall this much below the baseline (for non-deterministic backends)")
    p.add_argument("--min-accuracy", type=float, metavar="X", help="exit 3 if cell accuracy is below X (0–1)")
    p.add_argument("--write-baseline", type=Path, metavar="FILE",
                   help="also write this run as a baseline (the report without timings)")
    p.add_argument("--quiet", action="store_true", help="print only the summary and the gates")
    p.set_defaults(func=run)


def run(args) -> int:
    from evals.cases import FIXTURES, load_fixtures, synth_cases
    from evals.compare import Gates, compare, gate
    from evals.report import baseline_view, build_report
    from evals.run import run as run_cases
    from evals.tables import markdown, sections
    from extractor.api import __version__
    from extractor.errors import ConfigError
    from extractor.settings import Settings

    if args.fail_under_baseline and not args.baseline:
        raise ConfigError("--fail-under-baseline needs --baseline FILE")
    if args.min_accuracy is not None and not 0 <= args.min_accuracy <= 1:
        raise ConfigError("--min-accuracy is a fraction between 0 and 1, e.g. 0.95")
    if args.inject and not args.synth:
        raise ConfigError("--inject only applies to --synth")
    baseline = _read_baseline(args.baseline) if args.baseline else None
    settings = Settings(backend=args.backend)
    started = time.perf_counter()
    if args.synth is not None:
        if args.synth < 1:
            raise ConfigError("--synth needs a positive number of documents")
        cases, count = synth_cases(args.synth, args.seed, inject_error=args.inject), args.synth
        source = f"synthetic: {args.synth} reports, seed {args.seed}{', one injected error each' if args.inject else ''}"
    else:
        root = args.fixtures or FIXTURES
        fixtures = load_fixtures(root)
        cases, count, source = iter(fixtures), len(fixtures), f"fixtures: {root.name if args.fixtures else 'evals/fixtures'}"
    docs = _with_progress(run_cases, cases, settings, count)
    report = build_report(docs, backend=settings.resolved_backend(), source=source,
                          detail=args.synth is None, started=started, nianbao=__version__)
    comparison = compare(report, baseline) if baseline else None
    failures = gate(report, baseline, Gates(args.min_accuracy, args.fail_under_baseline, args.tolerance))
    gated = bool(args.min_accuracy is not None or args.fail_under_baseline)
    out = args.out or Path("out/eval-synth" if args.synth else "out/eval")
    out.mkdir(parents=True, exist_ok=True)
    full = {**report, "comparison": comparison, "gates": failures if gated else None}
    (out / "report.json").write_text(json.dumps(full, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "report.md").write_text(markdown(report, comparison, failures if gated else None), encoding="utf-8")
    if args.write_baseline:
        args.write_baseline.parent.mkdir(parents=True, exist_ok=True)
        args.write_baseline.write_text(json.dumps(baseline_view(report), ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    shown = sections(report, comparison, failures if gated else None)
    if args.quiet:
        shown = [s for s in shown if s.title in ("Summary", "Gates", "Against the baseline")]
    for section in shown:
        _print(section)
    _console().print(f"[dim]wrote {out / 'report.json'} and {out / 'report.md'}"
                   + (f"; baseline {args.write_baseline}" if args.write_baseline else "") + "[/dim]")
    return GATE_FAILED if failures else 0


def _read_baseline(path: Path) -> dict:
    from extractor.errors import InputError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such baseline file") from None
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: not a JSON report ({e})") from None
    if not isinstance(data, dict) or "overall" not in data or "documents" not in data:
        raise InputError(f"{path}: not a nianbao eval report")
    return data


def _with_progress(run_cases, cases, settings, count: int):
    if count < 50 or not sys.stderr.isatty():
        return run_cases(cases, settings)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("extracting", total=count)
        return run_cases(cases, settings, lambda _: progress.advance(task))


def _print(section) -> None:
    from rich.table import Table

    console = _console()
    table = Table(title=section.title, title_justify="left", title_style="bold", show_lines=False)
    for column in section.columns:
        table.add_column(column, overflow="fold")
    for row in section.rows:
        table.add_row(*(("[red]" + c + "[/red]") if c.startswith("FAIL") else c for c in row))
    if section.rows:
        console.print(table)
    if section.note:
        console.print(f"  [dim]{section.note}[/dim]")
    console.print()
