"""Choose the reader(s) for a backend: ``rules`` (offline), ``llm`` or ``hybrid``.

The rules reading is always made first: it is the whole answer for ``rules``, the fallback
for parts the model cannot answer under ``llm``, and the first opinion under ``hybrid``.
"""
from __future__ import annotations

from extractor.errors import ConfigError
from extractor.load import Document
from extractor.parts import Part
from extractor.readers import Reading, rules
from extractor.settings import Settings


def read_cells(doc: Document, parts: dict[str, Part], template: str | None, settings: Settings) -> Reading:
    backend = settings.resolved_backend()
    if backend not in ("rules", "llm", "hybrid"):
        raise ConfigError(f"unknown backend {backend!r}; use rules, llm or hybrid")
    reading = rules.read(doc, parts, template)
    if backend == "rules":
        return reading
    if not settings.llm.model or not (settings.llm.configured or settings.llm.offline):
        raise ConfigError(f"backend {backend!r} needs an endpoint: set OPENAI_BASE_URL (or OPENAI_API_KEY) "
                          "and NIANBAO_MODEL; see docs/llm.md")
    from extractor.readers.hybrid import read_hybrid, read_llm  # imports the OpenAI SDK only when needed
    combine = read_llm if backend == "llm" else read_hybrid
    return combine(doc, parts, template, settings, reading)
