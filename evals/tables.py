"""The report as titled tables, rendered as Markdown here and with rich by the CLI.

Both renderings come from :func:`sections`, so the terminal and the Markdown file always
show the same figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DOCUMENT_ROWS = 40  # longer runs (synthetic) list only the worst documents
SILENT_ROWS = 25


@dataclass(slots=True)
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str | None = None


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.4f}".rstrip("0").rstrip(".")
    return str(x)


def sections(report: dict, comparison: dict | None = None, failures: list[str] | None = None) -> list[Section]:
    out = [_summary(report), _parts(report), _documents(report)]
    out += _groups(report)
    out += [_bands(report), _risk(report), _silent(report), _findings(report)]
    if report["errors"]:
        out.append(Section("Extraction errors", ["document", "error"],
                           [[e["document"], e["error"]] for e in report["errors"]]))
    if comparison is not None:
        out += _comparison(comparison)
    if failures is not None:
        out.append(Section("Gates", ["result"], [[f"FAIL: {f}"] for f in failures] or [["pass"]]))
    return [s for s in out if s.rows or s.note]


def _summary(r: dict) -> Section:
    o, f, u = r["overall"], r["findings"], r["usage"]
    rows = [
        ["source", f"{r['source']} ({r['documents_count']} documents, backend {r['backend']})"],
        ["cell accuracy", f"{pct(o['accuracy'])} ({o['correct']} of {o['scored']} unambiguous cells)"],
        ["  cells with a value", f"{pct(o['present_accuracy'])} of {o['present']}"],
        ["  cells not in the document", f"{pct(o['absent_accuracy'])} of {o['absent']}"],
        ["mismatched / omitted / invented", f"{o['mismatched']} / {o['omitted']} / {o['invented']}"],
        ["ambiguous cells (wrong)", f"{o['ambiguous']} ({o['ambiguous_wrong']})"],
        ["silent errors (wrong, ok, confidence ≥ 0.9)", str(o["silent_errors"])],
        ["template / issuer / year", " / ".join(pct(r[k]["accuracy"]) for k in ("template", "issuer", "year"))],
        ["findings recall", f"{pct(f['recall'])} ({f['recalled']} of {f['expected']})"],
        ["findings precision", f"{pct(f['precision'])} ({f['confirmed']} of {f['reported']} errors/warnings)"],
        ["LLM calls / tokens per document", f"{_num(u['per_document']['llm_calls'])} / {_num(u['per_document']['tokens'])}"
         + (f" (answers from the cache: {_num(u['per_document']['cache_hits'])} parts, which cost "
            f"{_num(u['per_document']['cached_tokens'])} tokens when made)" if u["per_document"].get("cached_tokens") else "")],
        ["extraction errors", str(len(r["errors"]))],
    ]
    if o.get("extra_values"):
        rows.append(["values at ids outside the gold template", str(o["extra_values"])])
    return Section("Summary", ["metric", "value"], rows)


def _count_row(label: str, c: dict, docs: int | None = None) -> list[str]:
    head = [label] + ([str(docs)] if docs is not None else [])
    return head + [str(c["scored"]), str(c["correct"]), str(c["mismatched"]), str(c["omitted"]),
                   str(c["invented"]), str(c["silent_errors"]), pct(c["accuracy"])]


_COUNT_COLUMNS = ["scored", "correct", "mismatched", "omitted", "invented", "silent", "accuracy"]


def _parts(r: dict) -> Section:
    names = {"p2": "二 主动公开", "p3": "三 依申请公开", "p4": "四 复议诉讼"}
    return Section("By part", ["part", *_COUNT_COLUMNS], [_count_row(names[p], c) for p, c in r["parts"].items()])


def _documents(r: dict) -> Section:
    docs = r["documents"]
    note = None
    if len(docs) > DOCUMENT_ROWS:
        docs = sorted(docs, key=lambda d: (d["cells"]["accuracy"] is None, d["cells"]["accuracy"] or 0))[:15]
        note = f"the 15 least accurate of {r['documents_count']} documents"
    rows = []
    for d in docs:
        t = d["template"]
        template = f"{t['ours'] or '?'}" + ("" if t["ok"] else f" (gold {t['gold']})")
        f = d["findings"]
        rows.append([d["name"], template, *_count_row("", d["cells"])[1:],
                     f"{f['recalled']}/{f['expected']}", f"{f['confirmed']}/{f['reported']}", d["error"] or ""])
    return Section("Documents", ["document", "template", *_COUNT_COLUMNS, "findings found", "claims right", "error"],
                   rows, note)


def _groups(r: dict) -> list[Section]:
    return [Section(f"By {key}", [key, "docs", *_COUNT_COLUMNS],
                    [_count_row(value, c, c["documents"]) for value, c in values.items()])
            for key, values in r["groups"].items()]


def _bands(r: dict) -> Section:
    rows = [[b["band"], str(b["cells"]), str(b["correct"]), pct(b["accuracy"]), _num(b["mean_confidence"])]
            for b in r["calibration"]["bands"]]
    return Section("Calibration (cells with a value)", ["confidence", "cells", "correct", "accuracy", "mean confidence"],
                   rows)


def _risk(r: dict) -> Section:
    rows = [[f"{x['reviewed']} ({pct(x['review_fraction'])})", _num(x["max_confidence_reviewed"]), str(x["remaining"]),
             str(x["errors_left"]), pct(x["error_rate"])] for x in r["calibration"]["risk_coverage"]]
    return Section("Risk–coverage: review the K lowest-confidence values; error rate in the rest",
                   ["K reviewed", "up to confidence", "rest", "wrong in rest", "error rate"], rows)


def _silent(r: dict) -> Section:
    s = r["silent_errors"]
    rows = [[x["document"], x["cell"], _num(x["gold"]), _num(x["ours"]), x["raw"] or "", _num(x["confidence"])]
            for x in s["cells"][:SILENT_ROWS]]
    note = f"{s['count']} in all" if s["count"] > len(rows) else None
    return Section("Silent errors", ["document", "cell", "gold", "ours", "raw", "confidence"], rows, note)


def _findings(r: dict) -> Section:
    f = r["findings"]
    rows = [["missed (gold, not reported)", ", ".join(f"{k}×{v}" for k, v in f["missed"].items()) or "none"],
            ["unconfirmed claims", ", ".join(f"{k}×{v}" for k, v in f["unexpected"].items()) or "none"]]
    return Section("Findings by rule", ["", "rules"], rows) if f["expected"] or f["reported"] else Section("", [])


def _comparison(c: dict) -> list[Section]:
    note = None if c["comparable"] else f"baseline source differs: {c['baseline_source']}"
    deltas = Section("Against the baseline", ["metric", "baseline", "now", "change"], note=note)
    for d in c["deltas"]:
        ratio = d["metric"].endswith("accuracy") or d["metric"].split(".")[-1] in ("recall", "precision")
        show = pct if ratio else _num
        change = "" if d["delta"] is None else (f"{100 * d['delta']:+.2f} pt" if ratio else f"{d['delta']:+g}")
        deltas.rows.append([d["metric"], show(d["baseline"]), show(d["current"]),
                            f"{change} {d['verdict'] if d['verdict'] not in (None, 'same') else ''}".strip()])
    regress = Section("Documents that got worse", ["document", "what", "newly wrong cells"],
                      [[x["document"], "; ".join(x["reasons"]),
                        ", ".join(x["newly_wrong"][:8]) + (" …" if len(x["newly_wrong"]) > 8 else "")]
                       for x in c["regressions"]])
    if not regress.rows:
        regress.note = f"none ({len(c['improvements'])} improved)"
    return [deltas, regress]


def markdown(report: dict, comparison: dict | None = None, failures: list[str] | None = None) -> str:
    lines = [f"# nianbao eval: {report['source']}", "",
             f"Backend `{report['backend']}`, {report['documents_count']} documents, "
             f"run {report['run']['created']} in {report['run']['seconds']} s.", ""]
    for s in sections(report, comparison, failures):
        lines += [f"## {s.title}", ""]
        if s.rows:
            lines.append("| " + " | ".join(s.columns) + " |")
            lines.append("|" + "|".join("---" for _ in s.columns) + "|")
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in s.rows]
            lines.append("")
        if s.note:
            lines += [f"_{s.note}_", ""]
    return "\n".join(lines)
