"""``nianbao batch INPUT… --out DIR [--jobs N] [--backend …] [--force] [--timeout S] [--llm-rps R]
[--engine local|ray] [--address ADDR]``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from extractor.cli.i18n import t

SHOWN_NOT_READ = 20  # files not read listed on the terminal; all of them are in summary.json and inputs.csv


def register(sub) -> None:
    p = sub.add_parser(
        "batch", help=t("批量提取到结果文件夹（可续跑）", "extract many reports into a results folder (resumable)"),
        description=t("把 INPUT（文件、递归查找的文件夹、通配符）中的每份年报提取到 DIR：results/、texts/、errors/、"
                      "cells.csv/.parquet、cells_wide.csv/.parquet、cells.xlsx、findings.csv、inputs.csv、"
                      "summary.json。再次运行会跳过已完成的文件。",
                      "Extract every report in the INPUTs (files, folders searched recursively, globs) into DIR: "
                      "results/, texts/, errors/, cells.csv/.parquet, cells_wide.csv/.parquet, cells.xlsx, "
                      "findings.csv, inputs.csv, summary.json. Re-running skips documents already done."))
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help=t("结果文件夹", "the results folder"))
    p.add_argument("--jobs", type=_positive(int), metavar="N",
                   help=t("同时处理的文件数（默认：rules 为 CPU 核数，llm/hybrid 为 4）",
                          "documents at a time (default: CPU cores for rules, 4 for llm/hybrid)"))
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="auto",
                   help=t("读取方式（默认 auto）", "the reader (default auto)"))
    p.add_argument("--force", action="store_true", help=t("已有结果的文件也重新提取（审核结果保留）",
                                                          "re-extract documents that already have a result "
                                                          "(review decisions are kept)"))
    p.add_argument("--timeout", type=_positive(float), default=120.0, metavar="S",
                   help=t("每份文件的秒数上限，超时记为 timeout（默认 120）",
                          "seconds per document before it is recorded as a timeout (default: 120)"))
    p.add_argument("--llm-rps", type=_positive(float), metavar="R",
                   help=t("llm/hybrid：每秒最多开始 R 份文件", "llm/hybrid: start at most R documents per second"))
    p.add_argument("--no-xlsx", action="store_true",
                   help=t("不写 cells.xlsx（报告很多时可省下导出时间）", "do not write cells.xlsx (saves export time on "
                                                                  "very large batches)"))
    p.add_argument("--engine", choices=["local", "ray"], default="local",
                   help=t("local：本机进程池（默认）；ray：Ray Data 集群（pip install 'nianbao[ray]'；见 docs/batch.md）",
                          "local: a process pool on this machine (default); ray: Ray Data, on a cluster "
                          "(pip install 'nianbao[ray]'; docs/batch.md)"))
    p.add_argument("--address", metavar="ADDR",
                   help=t("--engine ray 时的 Ray 集群（'auto' 或 host:port）；默认为本次批处理启动本地 Ray",
                          "--engine ray: the Ray cluster ('auto', or host:port); default: a local Ray for this batch"))
    p.set_defaults(func=run)


def run(args) -> int:
    from rich.console import Console

    from extractor.batch import BatchOptions, run_batch
    from extractor.errors import ConfigError

    if args.address and args.engine != "ray":
        raise ConfigError(t("--address 需要 --engine ray", "--address needs --engine ray"))
    options = BatchOptions(backend=args.backend, jobs=args.jobs, timeout=args.timeout, force=args.force,
                           llm_rps=args.llm_rps, xlsx=not args.no_xlsx, engine=args.engine, address=args.address)
    console = Console(highlight=False, soft_wrap=True)
    if sys.stdout.isatty() and not os.environ.get("CI"):
        with _ProgressBar(console) as on_outcome:
            summary = run_batch(args.inputs, args.out, options, on_outcome)
    else:
        summary = run_batch(args.inputs, args.out, options)
    print_summary(console, summary, args.out)
    failed_llm = summary["documents"]["failed_by_reason"].get("backend_error", 0)
    if failed_llm:
        pending = summary["documents"]["pending"]
        print(t(f"nianbao: 错误：模型服务对 {failed_llm} 份文件失败" + (f"，停止时还有 {pending} 份未开始" if pending else "")
                + f"；见 {args.out}/inputs.csv 和 errors/",
                f"nianbao: error: the model endpoint failed for {failed_llm} document(s)"
                + (f"; stopped with {pending} not started" if pending else "")
                + f"; see {args.out}/inputs.csv and errors/"), file=sys.stderr)
        return 1
    return 0


class _ProgressBar:
    """A progress bar with ok/failed counts, rate and ETA."""

    def __init__(self, console):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[counts]}"), TextColumn("{task.fields[rate]}"),
                                 TimeRemainingColumn(), console=console, transient=True)
        self.task = self.progress.add_task(t("提取中", "extracting"), total=None, counts="", rate="")
        self.failed = 0

    def __enter__(self):
        self.progress.start()
        return self.on_outcome

    def __exit__(self, *_):
        self.progress.stop()

    def on_outcome(self, outcome, done: int, total: int) -> None:
        self.failed += not outcome.ok
        speed = self.progress.tasks[0].speed
        self.progress.update(self.task, completed=done, total=total, rate=f"{speed:.1f} docs/s" if speed else "",
                             counts=t(f"{done - self.failed} 成功 · {self.failed} 失败",
                                      f"{done - self.failed} ok · {self.failed} failed"))


STATUS_ZH = {"read": "完整读取", "partly_read": "部分读取", "empty": "未读到数值", "not_a_report": "不是年报",
             "unsupported": "格式不支持", "error": "出错"}
STATUS_EN = {"read": "read", "partly_read": "partly read", "empty": "empty (no value found)",
             "not_a_report": "not a report", "unsupported": "unsupported format", "error": "error"}
# What to do with a file nianbao does not read (extractor.batch.discover.advice_kind), in Chinese.
ADVICE_ZH = {"word": "旧版 Word/WPS 文档：请用 Word 或 WPS 另存为 .docx 后再运行",
             "image": "图片：请先做 OCR（文字识别），把文字或带文字层的 PDF 交给 nianbao",
             "sheet": "电子表格：nianbao 读取完整的年报，请把年报另存为 .docx 或 PDF",
             "archive": "压缩包：请先解压，再把文件夹交给 nianbao",
             "other": "nianbao 不读取这种格式（支持 .txt .md .html .htm .pdf .docx）"}
REASON_ZH = {"empty": "文件为空", "no_text_layer": "PDF 没有文字层（扫描件），请先做 OCR", "unreadable": "文件无法读取",
             "not_a_report": "不是政府信息公开工作年度报告", "timeout": "超时", "crashed": "处理进程崩溃",
             "backend_error": "模型接口出错", "internal_error": "内部错误", "no_value": "文件中没有找到表格数值"}


def print_summary(console, summary: dict, out: Path) -> None:
    docs, run, cells = summary["documents"], summary["last_run"], summary["cells"]
    files = summary["files"]
    statuses = STATUS_ZH if t("zh", "en") == "zh" else STATUS_EN
    by_status = "，".join(f"{statuses[s]} {n}" for s, n in files["by_status"].items() if n) if t("zh", "en") == "zh" \
        else ", ".join(f"{n} {statuses[s]}" for s, n in files["by_status"].items() if n)
    failed = ", ".join(f"{n} {reason}" for reason, n in docs["failed_by_reason"].items())
    wall = run["seconds"]["run"] + run["seconds"]["discover"]
    duplicates = docs["inputs"] - docs["distinct_inputs"]
    console.print(t(f"[bold]{out}[/bold]：{docs['inputs']} 个输入文件（{duplicates} 个重复）：{by_status or '无'}"
                    + (f" · {docs['pending']} 个待处理" if docs["pending"] else ""),
                    f"[bold]{out}[/bold]: {docs['ok']} ok, {docs['failed']} failed" + (f" ({failed})" if failed else "")
                    + f" · {docs['inputs']} inputs, {duplicates} duplicate"
                    + (f" · {docs['pending']} pending" if docs["pending"] else "")
                    + (f" · {by_status}" if by_status else "")))
    rate = run["processed"] / wall if wall else 0
    console.print(t(f"  本次：处理 {run['processed']} 个，{run['skipped_done']} 个已完成而跳过，用时 {wall:.1f} 秒"
                    f"（{rate:.1f} docs/s），导出 {run['seconds']['export']:.1f} 秒",
                    f"  this run: {run['processed']} processed, {run['skipped_done']} already done in {wall:.1f} s"
                    f" ({rate:.1f} docs/s), export {run['seconds']['export']:.1f} s"))
    templates = ", ".join(f"{n} {tpl}" for tpl, n in docs["by_template"].items())
    console.print(t(f"  模板：{templates}", f"  templates: {templates}"))
    hard = " ".join(f"{r} {_counts(c)}" for r, c in summary["hard_rules"].items())
    console.print(t(f"  硬性规则（成立✓ / 不成立✗ / 无法校验?）：{hard}",
                    f"  hard rules (holding✓ / broken✗ / not checkable?): {hard}"))
    cy = summary["cross_year"]
    several = cy["issuer_years_with_several_documents"]
    rules = " ".join(f"{r} {_counts(cy[r])}" for r in ("S2", "S3"))
    console.print(t(f"  跨年核对：{cy['pairs']} 对" + (f"（{several} 个单位年度有多份文件，未配对）" if several else "")
                    + f" · {rules}",
                    f"  cross-year: {cy['pairs']} pairs"
                    + (f" ({several} issuer-years with several documents, not paired)" if several else "")
                    + f" · {rules}"))
    review = summary["review"]
    console.print(t(f"  单元格：正常 {cells['ok']}，存疑 {cells['flagged']}，缺失 {cells['missing']}，"
                    f"已审核 {cells['corrected']}（其中更正 {review['corrected']}）",
                    f"  cells: {cells['ok']} ok, {cells['flagged']} flagged, {cells['missing']} missing, "
                    f"{cells['corrected']} reviewed ({review['corrected']} corrected)"))
    usage = summary["usage"]
    if usage["llm_calls"]:
        cost = f"${usage['cost_usd']:.4f}" if usage["cost_usd"] is not None else t("费用未知", "cost unknown")
        console.print(t(f"  LLM：{usage['llm_calls']} 次调用，{usage['prompt_tokens']} 输入 + "
                        f"{usage['completion_tokens']} 输出 token，{cost}",
                        f"  LLM: {usage['llm_calls']} calls, {usage['prompt_tokens']} prompt + "
                        f"{usage['completion_tokens']} completion tokens, {cost}"))
    else:
        console.print(t("  LLM：未调用", "  LLM: no calls"))
    print_not_read(console, files["not_read"])


def print_not_read(console, not_read: list[dict]) -> None:
    """Every file not read, with what happened and what to do (the first ``SHOWN_NOT_READ``)."""
    if not not_read:
        return
    from extractor.batch.discover import advice_kind

    console.print(t(f"  未读取的文件（{len(not_read)} 个）：", f"  files not read ({len(not_read)}):"))
    for item in not_read[:SHOWN_NOT_READ]:
        if t("zh", "en") == "zh":
            why = (ADVICE_ZH[advice_kind(item["path"])] if item["reason"] == "unsupported"
                   else REASON_ZH.get(item["reason"], item["reason"]))
        else:
            why = (item.get("message") or item["reason"]).removeprefix(f"{item['path']}: ")
        console.print(f"    {item['path']}：{why}" if t("zh", "en") == "zh" else f"    {item['path']}: {why}",
                      markup=False)
    if len(not_read) > SHOWN_NOT_READ:
        rest = len(not_read) - SHOWN_NOT_READ
        console.print(t(f"    ……另有 {rest} 个，见 summary.json 和 inputs.csv",
                        f"    … and {rest} more: see summary.json and inputs.csv"))


def _counts(c: dict) -> str:
    return f"{c['holding']}✓/{c['broken']}✗/{c['not_checkable']}?"


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(t(f"不是数字：{text!r}", f"not a number: {text!r}")) from None
        if value <= 0:
            raise argparse.ArgumentTypeError(t(f"必须大于 0：{text!r}", f"must be positive: {text!r}"))
        return value
    return parse
