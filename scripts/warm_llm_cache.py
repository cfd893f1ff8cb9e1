#!/usr/bin/env python3
"""Record a real model's answers for a gold set into an answer cache, as the public API asks them.

    OPENAI_BASE_URL=… NIANBAO_MODEL=… python scripts/warm_llm_cache.py evals/corpus evals/corpus/llm-cache
    OPENAI_BASE_URL=… NIANBAO_MODEL=… python scripts/warm_llm_cache.py evals/fixtures evals/llm-cache [hybrid|llm]

Two passes. First every document is extracted with ``--backend hybrid`` and ``--backend
llm`` through the public API with the model reader replaced by a recorder: it notes what
each run would ask (document, table, rows) and answers nothing. Then those requests are sent
for real by the same reader function the API calls, so the cache keys are those an offline
run makes later (``make eval-llm``; ``NIANBAO_LLM_OFFLINE=1 NIANBAO_CACHE_DIR=…``). They are
sent hybrid's first, grouped by table and template: a local server keeps the previous
prompt, so requests with the same system prompt and schema skip re-reading that prefix.
``endpoint.json`` in the cache names the model. Cached answers cost nothing: an interrupted
run resumes.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from evals.cases import load_fixtures
from evals.run import run
from extractor.errors import NianbaoError
from extractor.readers import hybrid
from extractor.readers.llm import LLMReading, read
from extractor.settings import LLMSettings, Settings

ORDER = ("p3", "p2", "p4")


def plan(cases, backends: tuple[str, ...], llm: LLMSettings) -> list[tuple[str, str, str, tuple, dict]]:
    """(backend, document, part, reader args, reader keywords) of every request the runs would make."""
    asked: list[tuple[str, str, str, tuple, dict]] = []
    real = hybrid.llm_read
    for backend in backends:
        for case in cases:
            def recorder(doc, parts, template, settings, *, backend=None, only=("p2", "p3", "p4"), rows=None,
                         _backend=backend, _name=case.name):
                for part in only:
                    keywords = {"only": (part,), "rows": {part: rows[part]} if rows and part in rows else None}
                    asked.append((_backend, _name, part, (doc, parts, template), keywords))
                return LLMReading(cells={}, failed={part: "planned" for part in only})
            hybrid.llm_read = recorder
            try:  # a document that fails here fails the same way in the real run: run() records it
                run([case], Settings(backend=backend, llm=llm))
            finally:
                hybrid.llm_read = real
    return asked


def main(fixtures: str, cache_dir: str, backends: tuple[str, ...] = ("hybrid", "llm")) -> int:
    cache = Path(cache_dir)
    llm = LLMSettings.from_env().model_copy(update={"cache_dir": cache, "offline": False})
    if not llm.model or not (llm.base_url or llm.api_key):
        print("set OPENAI_BASE_URL (or OPENAI_API_KEY) and NIANBAO_MODEL", file=sys.stderr)
        return 2
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "endpoint.json").write_text(json.dumps({"model": llm.model, "base_url": llm.base_url}, indent=1) + "\n",
                                         encoding="utf-8")
    requests = plan(load_fixtures(Path(fixtures)), backends, llm)
    requests.sort(key=lambda r: (backends.index(r[0]), ORDER.index(r[2]), str(r[3][2])))  # backend, table, template
    print(f"{len(requests)} requests planned ({', '.join(f'{b}: {sum(r[0] == b for r in requests)}' for b in backends)})",
          flush=True)
    started = time.monotonic()
    for i, (backend, name, part, (doc, parts, template), keywords) in enumerate(requests, 1):
        t = time.monotonic()
        try:
            reading = read(doc, parts, template, llm, **keywords)
            u = reading.usage
            state = (f"failed: {reading.failed[part]}" if part in reading.failed else
                     "cached" if u.cache_hits else f"tokens={u.prompt_tokens}+{u.completion_tokens}")
        except NianbaoError as e:
            state = f"error: {e}"
        print(f"[{i}/{len(requests)}] {backend:6} {part} {name[:44]:44} {state} {time.monotonic() - t:6.1f}s",
              flush=True)
    print(f"done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2], tuple(sys.argv[3:]) or ("hybrid", "llm")))
