"""nianbao: 政府信息公开工作年度报告 → verified data.

Public API::

    from extractor import extract, extract_bytes, extract_text, Settings
    result = extract("report.pdf")                 # a path
    result = extract_bytes(data, name="r.pdf")     # a file's bytes
    result = extract_text(text)                    # the report's text

Names are imported on first use (PEP 562), so ``import extractor.cli`` or
``extractor.errors`` does not pay for the pipeline, pydantic schemas or the PDF libraries.
(``extractor.load`` is the loading package; its function is ``extractor.load.load``.)
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_HOME = {  # public name → the module that defines it
    "extract": "extractor.api", "extract_bytes": "extractor.api", "extract_text": "extractor.api",
    "extract_document": "extractor.api",
    "InputError": "extractor.errors", "NianbaoError": "extractor.errors",
    "Document": "extractor.load", "load_bytes": "extractor.load",
    "load_path": "extractor.load", "load_text": "extractor.load",
    "LLMSettings": "extractor.settings", "Settings": "extractor.settings",
}
__all__ = sorted(_HOME)

if TYPE_CHECKING:
    from extractor.api import extract, extract_bytes, extract_document, extract_text
    from extractor.errors import InputError, NianbaoError
    from extractor.load import Document, load_bytes, load_path, load_text
    from extractor.settings import LLMSettings, Settings


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    value = getattr(import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
