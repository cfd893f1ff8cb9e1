"""The deterministic table reader (offline default backend, the LLM's cross-check)."""
from __future__ import annotations

from extractor.load import Document
from extractor.parts import Part
from extractor.readers import Reading, all_missing


def read(doc: Document, parts: dict[str, Part], template: str | None) -> Reading:
    return Reading(all_missing(template))
