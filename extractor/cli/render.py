"""Human-readable summary of one result for the terminal.

Plain text with a few ANSI styles on a terminal (none when piped or with ``NO_COLOR``;
``FORCE_COLOR`` forces them). Not rich: importing it cost ~100M instructions (~30 ms) of every
``nianbao extract`` for four colours (the batch, eval and review screens use rich).
"""
from __future__ import annotations

import os
import sys
from collections import Counter

from extractor.cli.i18n import t
from schemas import Result

_BOLD, _RED, _YELLOW, _DIM = "1", "1;31", "33", "2"
_SEVERITY_STYLE = {"error": _RED, "warning": _YELLOW, "info": _DIM}
_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_STATUS_ZH = {"ok": "正常", "flagged": "存疑", "missing": "缺失", "corrected": "已审核"}


def colours(stream=None) -> bool:
    """Whether to style ``stream`` (stdout): a terminal, unless ``NO_COLOR``; or ``FORCE_COLOR``."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or (stream or sys.stdout).isatty()


def _styled(text: str, style: str, on: bool) -> str:
    return f"\x1b[{style}m{text}\x1b[0m" if on else text


def print_summary(result: Result, name: str) -> None:
    on = colours()
    meta = result.meta
    statuses: Counter[str] = Counter(c.status for c in result.cells.values())
    parts = " ".join(f"{k[1]}{'✓' if p.status == 'present' else '∅' if p.status == 'empty' else '✗'}"
                     for k, p in result.parts.items())
    shown = [s for s in ("ok", "flagged", "missing", "corrected") if statuses.get(s) or s != "corrected"]
    lines = [
        _styled(name, _BOLD, on),
        t(f"  {meta.issuer or '?'} · {meta.year or '?'} · 模板 {meta.template or '?'}"
          f" · 部分 {parts} · 读取方式 {result.provenance.backend}",
          f"  {meta.issuer or '?'} · {meta.year or '?'} · template {meta.template or '?'}"
          f" · parts {parts} · backend {result.provenance.backend}"),
        t("  单元格：" + "，".join(f"{_STATUS_ZH[s]} {statuses.get(s, 0)}" for s in shown) + f"，共 {len(result.cells)}",
          "  cells: " + ", ".join(f"{statuses.get(s, 0)} {s}" for s in shown) + f" of {len(result.cells)}"),
    ]
    for f in sorted(result.findings, key=lambda f: ("error", "warning", "info").index(f.severity)):
        label = t(_SEVERITY_ZH[f.severity], f.severity)
        label = _styled(f"{label:{7 if label.isascii() else 4}}", _SEVERITY_STYLE[f.severity], on)
        lines.append(f"  {label} {f.rule:9} {f.message}")
    sys.stdout.write("\n".join(lines) + "\n\n")
