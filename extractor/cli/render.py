"""Human-readable summaries for the terminal (rich lives only in the CLI layer)."""
from __future__ import annotations

from collections import Counter

from rich.console import Console

from extractor.cli.i18n import t
from schemas import Result

_console = Console(highlight=False, soft_wrap=True)
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_STATUS_ZH = {"ok": "正常", "flagged": "存疑", "missing": "缺失", "corrected": "已审核"}


def print_summary(result: Result, name: str) -> None:
    meta = result.meta
    statuses: Counter[str] = Counter(c.status for c in result.cells.values())
    parts = " ".join(f"{k[1]}{'✓' if p.status == 'present' else '∅' if p.status == 'empty' else '✗'}"
                     for k, p in result.parts.items())
    shown = [s for s in ("ok", "flagged", "missing", "corrected") if statuses.get(s) or s != "corrected"]
    _console.print(f"[bold]{name}[/bold]", markup=True)
    _console.print(t(f"  {meta.issuer or '?'} · {meta.year or '?'} · 模板 {meta.template or '?'}"
                     f" · 部分 {parts} · 读取方式 {result.provenance.backend}",
                     f"  {meta.issuer or '?'} · {meta.year or '?'} · template {meta.template or '?'}"
                     f" · parts {parts} · backend {result.provenance.backend}"), markup=False)
    _console.print(t("  单元格：" + "，".join(f"{_STATUS_ZH[s]} {statuses.get(s, 0)}" for s in shown)
                     + f"，共 {len(result.cells)}",
                     "  cells: " + ", ".join(f"{statuses.get(s, 0)} {s}" for s in shown)
                     + f" of {len(result.cells)}"), markup=False)
    for f in sorted(result.findings, key=lambda f: ("error", "warning", "info").index(f.severity)):
        style = _SEVERITY_STYLE[f.severity]
        label = t(_SEVERITY_ZH[f.severity], f.severity)
        _console.print(f"  [{style}]{label:{7 if label.isascii() else 4}}[/{style}] {f.rule:9} ", end="", markup=True)
        _console.print(f.message, markup=False)
    _console.print()
