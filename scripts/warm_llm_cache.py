#!/usr/bin/env python3
"""Fill an answer cache with real model answers for every table part of every eval fixture.

    OPENAI_BASE_URL=… NIANBAO_MODEL=… python scripts/warm_llm_cache.py evals/llm-cache

Afterwards ``nianbao eval --backend llm|hybrid`` (and ``nianbao extract --backend llm``) run
offline from that cache: ``NIANBAO_LLM_OFFLINE=1 NIANBAO_CACHE_DIR=evals/llm-cache
NIANBAO_MODEL=…``. The answers are made by the same reader code as any extraction, so the
cache keys match. Parts are asked grouped by part (all 表三 first, …) so that a local server
reuses the long shared prompt prefix (system prompt + schema) between requests. Entries
already in the cache cost nothing: an interrupted run resumes.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from extractor.load import load
from extractor.meta import read_meta
from extractor.parts import preamble_end, split_parts, tables_region
from extractor.readers.llm import read
from extractor.settings import LLMSettings
from extractor.template import detect_template

FIXTURES = Path(__file__).resolve().parent.parent / "evals" / "fixtures"
SUFFIXES = {".txt", ".pdf", ".docx", ".html"}


def main(cache_dir: str) -> int:
    settings = LLMSettings.from_env().model_copy(update={"cache_dir": Path(cache_dir), "offline": False})
    if not settings.model or not (settings.base_url or settings.api_key):
        print("set OPENAI_BASE_URL (or OPENAI_API_KEY) and NIANBAO_MODEL", file=sys.stderr)
        return 2
    docs = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        source = next(f for f in folder.iterdir() if f.suffix.lower() in SUFFIXES)
        doc = load(source)
        parts = split_parts(doc.text)
        template = detect_template(tables_region(doc.text, parts), read_meta(doc.text, preamble_end(parts)).year).template
        docs.append((folder.name, doc, parts, template))
    started = time.monotonic()
    for part in ("p3", "p2", "p4"):
        for name, doc, parts, template in docs:
            if template is None:
                continue
            t = time.monotonic()
            reading = read(doc, parts, template, settings, only=(part,))
            u = reading.usage
            state = "failed: " + reading.failed[part] if part in reading.failed else \
                "cached" if u.cache_hits else "answered" if part in reading.asked else "not in the document"
            print(f"{name:24} {part} {state:22.22} calls={u.llm_calls} tokens={u.prompt_tokens}+{u.completion_tokens}"
                  f" {time.monotonic() - t:6.1f}s", flush=True)
    print(f"done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "evals/llm-cache"))
