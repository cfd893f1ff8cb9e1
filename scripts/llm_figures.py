#!/usr/bin/env python3
"""Accuracy, tokens and LLM calls per gold fixture for the llm / hybrid backends, offline.

    NIANBAO_MODEL=qwen2.5-coder-1.5b python scripts/llm_figures.py llm evals/llm-cache

Runs the public ``extract`` on every fixture with the answers cached by
scripts/warm_llm_cache.py (offline: no endpoint is called) and compares with gold.json.
Tokens are those the cached answers cost when they were made; "parts" is how many table
parts were sent to the model (the calls each took, re-asks included, are in the log of
scripts/warm_llm_cache.py).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from extractor import extract
from extractor.settings import LLMSettings, Settings

FIXTURES = Path(__file__).resolve().parent.parent / "evals" / "fixtures"
SUFFIXES = {".txt", ".pdf", ".docx", ".html"}


def main(backend: str, cache_dir: str) -> int:
    llm = LLMSettings(model=os.environ.get("NIANBAO_MODEL") or "qwen2.5-coder-1.5b", offline=True,
                      cache_dir=Path(cache_dir))
    total = {"cells": 0, "right": 0, "present": 0, "present_right": 0, "absent": 0, "invented": 0,
             "ok": 0, "ok_wrong": 0, "flagged": 0, "tokens": 0, "parts": 0, "docs": 0}
    print(f"{'document':24} {'right':>9} {'present':>9} {'invented':>9} {'ok wrong':>8} {'flagged':>7}"
          f" {'parts':>5} {'tokens':>7}")
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        source = next(f for f in folder.iterdir() if f.suffix.lower() in SUFFIXES)
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["cells"]
        result = extract(source, Settings(backend=backend, llm=llm))
        cells = result.cells
        row = {
            "cells": len(gold),
            "right": sum(cells[c].value == v for c, v in gold.items()),
            "present": sum(v is not None for v in gold.values()),
            "present_right": sum(v is not None and cells[c].value == v for c, v in gold.items()),
            "absent": sum(v is None for v in gold.values()),
            "invented": sum(v is None and cells[c].value is not None for c, v in gold.items()),
            "ok": sum(cells[c].status == "ok" for c in gold),
            "ok_wrong": sum(cells[c].status == "ok" and cells[c].value != v for c, v in gold.items()),
            "flagged": sum(cells[c].status == "flagged" for c in gold),
            "tokens": result.provenance.usage.cached_tokens + result.provenance.usage.tokens,
            "parts": len(result.provenance.prompts),
        }
        for k in total:
            total[k] += row.get(k, 0)
        total["docs"] += 1
        print(f"{folder.name:24} {row['right']:>4}/{row['cells']:<4} {row['present_right']:>4}/{row['present']:<4}"
              f" {row['invented']:>4}/{row['absent']:<4} {row['ok_wrong']:>4}/{row['ok']:<4} {row['flagged']:>7}"
              f" {row['parts']:>5} {row['tokens']:>7}")
    d = total["docs"]
    print(f"\n{backend}: cells right {total['right']}/{total['cells']} ({total['right'] / total['cells']:.1%}); "
          f"present cells right {total['present_right']}/{total['present']} "
          f"({total['present_right'] / max(total['present'], 1):.1%}); "
          f"missing cells given a value {total['invented']}/{total['absent']}; "
          f"ok cells wrong {total['ok_wrong']}/{total['ok']}; flagged {total['flagged']}; "
          f"per document: {total['parts'] / d:.1f} parts sent to the model, "
          f"{total['tokens'] / d:.0f} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "llm", sys.argv[2] if len(sys.argv) > 2 else "evals/llm-cache"))
