"""Readers turn a loaded document's table parts into cells with evidence.

A reader is one function ``read(doc, parts, template) -> Reading``. The rules reader is
deterministic and offline; the LLM reader (``extractor.readers.llm``) needs an endpoint.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schemas import Cell, Finding, Usage


@dataclass(slots=True)
class Reading:
    cells: dict[str, Cell]
    findings: list[Finding] = field(default_factory=list)
    # what an LLM reader used, for Result.provenance
    model: str | None = None
    prompts: dict[str, str] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage.build)

