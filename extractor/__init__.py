"""nianbao: 政府信息公开工作年度报告 → verified data.

Public API::

    from extractor import extract, Settings
    result = extract("report.pdf")

The names are imported on first use (PEP 562), so importing ``extractor.errors`` or the
CLI's ``--help`` does not load the pipeline.
"""
import sys
import types
from importlib import import_module

__all__ = ["Document", "InputError", "LLMSettings", "NianbaoError", "Settings", "extract", "extract_document", "load"]

_HOME = {"extract": "extractor.api", "extract_document": "extractor.api", "InputError": "extractor.errors",
         "NianbaoError": "extractor.errors", "Document": "extractor.load", "LLMSettings": "extractor.settings",
         "Settings": "extractor.settings"}


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")


class _Package(types.ModuleType):
    """``extractor.load`` is the function ``load``, as it always was, although the import
    system records the subpackage of the same name on this module when it is imported."""

    @property
    def load(self):
        return import_module("extractor.load").load

    @load.setter
    def load(self, _subpackage) -> None:
        pass


sys.modules[__name__].__class__ = _Package
