#!/usr/bin/env python3
"""Record a real model's answers for a gold set into an answer cache, through the public API.

    OPENAI_BASE_URL=… NIANBAO_MODEL=… python scripts/warm_llm_cache.py evals/corpus evals/corpus/llm-cache
    OPENAI_BASE_URL=… NIANBAO_MODEL=… python scripts/warm_llm_cache.py evals/fixtures evals/llm-cache

Every document is extracted with ``--backend hybrid`` and then ``--backend llm`` (all hybrid
runs first: they ask least), exactly as a user's run would, so the requests and cache keys
are those an offline run makes later (``make eval-llm``, or ``NIANBAO_LLM_OFFLINE=1
NIANBAO_CACHE_DIR=… nianbao extract --backend llm``). ``endpoint.json`` in the cache names the
model. Answers already in the cache cost nothing: an interrupted run resumes.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from evals.cases import load_fixtures
from extractor import extract, extract_bytes
from extractor.errors import NianbaoError
from extractor.settings import LLMSettings, Settings


def main(fixtures: str, cache_dir: str, backends: tuple[str, ...] = ("hybrid", "llm")) -> int:
    cache = Path(cache_dir)
    llm = LLMSettings.from_env().model_copy(update={"cache_dir": cache, "offline": False})
    if not llm.model or not (llm.base_url or llm.api_key):
        print("set OPENAI_BASE_URL (or OPENAI_API_KEY) and NIANBAO_MODEL", file=sys.stderr)
        return 2
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "endpoint.json").write_text(json.dumps({"model": llm.model, "base_url": llm.base_url}, indent=1) + "\n",
                                         encoding="utf-8")
    cases = load_fixtures(Path(fixtures))
    started = time.monotonic()
    for backend in backends:
        settings = Settings(backend=backend, llm=llm)
        for case in cases:
            t = time.monotonic()
            try:
                source = case.source
                result = (extract_bytes if isinstance(source, bytes) else extract)(source, settings)  # type: ignore[arg-type]  # the isinstance picks the function
                u = result.provenance.usage
                state = f"calls={u.llm_calls} cached={u.cache_hits} tokens={u.prompt_tokens}+{u.completion_tokens}"
            except NianbaoError as e:
                state = f"failed: {e}"
            print(f"{backend:6} {case.name[:48]:48} {state} {time.monotonic() - t:6.1f}s", flush=True)
    print(f"done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2], tuple(sys.argv[3:]) or ("hybrid", "llm")))
