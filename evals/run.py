"""Run cases through the public API — ``extractor.extract``, exactly what users call — and score them."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from evals.cases import Case
from evals.score import DocScore, score
from extractor import extract, extract_bytes
from extractor.errors import ConfigError, NianbaoError
from extractor.settings import Settings


def run(cases: Iterable[Case], settings: Settings, progress: Callable[[DocScore], None] | None = None) -> list[DocScore]:
    """Score every case. A document that fails is scored as all-null and its error recorded;
    a configuration error (no endpoint for the LLM backend) stops the run."""
    out = []
    for case in cases:
        start = time.perf_counter()
        try:
            result, error = (extract_bytes if isinstance(case.source, bytes) else extract)(case.source, settings), None  # type: ignore[arg-type]  # the isinstance picks the function for that type
        except ConfigError:
            raise
        except NianbaoError as e:
            result, error = None, f"{type(e).__name__}: {e}"
        except Exception as e:  # a crash in the pipeline is a measured failure, not the end of the eval
            result, error = None, f"internal {type(e).__name__}: {e}"
        doc = score(case, result, error=error, seconds=time.perf_counter() - start)
        out.append(doc)
        if progress:
            progress(doc)
    return out
