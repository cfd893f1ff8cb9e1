"""``nianbao export DIR``: review decisions into the results folder's tables."""
from __future__ import annotations

from pathlib import Path

from extractor.cli.i18n import t


def register(sub) -> None:
    p = sub.add_parser(
        "export", help=t("把审核结果写入结果文件夹的表格（csv、parquet、xlsx、summary）",
                         "write review decisions into a results folder's tables (csv, parquet, xlsx, summary)"),
        description=t("根据 results/、errors/ 和 review.sqlite 中的审核决定，重新生成 DIR 中的 cells.csv/.parquet、"
                      "cells_wide.csv/.parquet、cells.xlsx、findings.csv、inputs.csv 和 summary.json。"
                      "审核过的单元格状态为 corrected，并带有审核人、时间、理由、原值和原文位置。",
                      "Rebuild DIR's cells.csv/.parquet, cells_wide.csv/.parquet, cells.xlsx, findings.csv, "
                      "inputs.csv and summary.json from results/, errors/ and the decisions in review.sqlite. "
                      "Reviewed cells have status corrected, with reviewer, time, reason, original value and span."))
    p.add_argument("out", type=Path, metavar="DIR", help=t("结果文件夹", "the results folder"))
    p.add_argument("--jobs", type=int, metavar="N", help=t("导出用的进程数（默认 CPU 核数）",
                                                           "processes for the export (default: CPU cores)"))
    p.add_argument("--no-xlsx", action="store_true", help=t("不写 cells.xlsx", "do not write cells.xlsx"))
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.batch import export_folder

    summary = export_folder(args.out, args.jobs, xlsx=not args.no_xlsx)
    review, cells = summary["review"], summary["cells"]
    print(t(f"{args.out}：已写入 cells.csv、cells.parquet、cells_wide、cells.xlsx、findings.csv、summary.json；"
            f"{review['documents']} 份文件中 {review['cells_reviewed']} 个单元格经过审核"
            f"（更正 {review['corrected']}，确认 {review['accepted']}，确认缺失 {review['marked_missing']}）；"
            f"存疑 {cells['flagged']}，缺失 {cells['missing']}",
            f"{args.out}: wrote cells.csv, cells.parquet, cells_wide, cells.xlsx, findings.csv, summary.json; "
            f"{review['cells_reviewed']} reviewed cells in {review['documents']} document(s) "
            f"({review['corrected']} corrected, {review['accepted']} accepted, {review['marked_missing']} marked "
            f"missing); {cells['flagged']} flagged, {cells['missing']} missing"))
    return 0
