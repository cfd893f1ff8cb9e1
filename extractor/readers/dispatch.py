"""Choose the reader(s) for a backend: ``rules`` (offline), ``llm`` or ``hybrid``."""
from __future__ import annotations

from extractor.errors import ConfigError
from extractor.load import Document
from extractor.parts import Part
from extractor.readers import Reading, rules
from extractor.settings import Settings


def read_cells(doc: Document, parts: dict[str, Part], template: str | None, settings: Settings) -> Reading:
    backend = settings.resolved_backend()
    if backend == "rules":
        return rules.read(doc, parts, template)
    raise ConfigError(f"backend {backend!r} is not available yet; use --backend rules")
