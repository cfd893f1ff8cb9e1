"""Human-readable summaries for the terminal (rich lives only in the CLI layer)."""
from __future__ import annotations

from collections import Counter

from rich.console import Console

from schemas import Result

_console = Console(highlight=False, soft_wrap=True)
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def print_summary(result: Result, name: str) -> None:
    meta = result.meta
    statuses = Counter(c.status for c in result.cells.values())
    parts = " ".join(f"{k[1]}{'✓' if p.status == 'present' else '∅' if p.status == 'empty' else '✗'}"
                     for k, p in result.parts.items())
    _console.print(f"[bold]{name}[/bold]")
    _console.print(f"  {meta.issuer or '?'} · {meta.year or '?'} · template {meta.template or '?'}"
                   f" · parts {parts} · backend {result.provenance.backend}")
    _console.print("  cells: " + ", ".join(f"{statuses.get(s, 0)} {s}" for s in ("ok", "flagged", "missing", "corrected")
                                             if statuses.get(s) or s != "corrected")
                   + f" of {len(result.cells)}")
    for f in sorted(result.findings, key=lambda f: ("error", "warning", "info").index(f.severity)):
        style = _SEVERITY_STYLE[f.severity]
        _console.print(f"  [{style}]{f.severity:7}[/{style}] {f.rule:9} {f.message}", markup=True)
    _console.print()
