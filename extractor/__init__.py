"""nianbao: 政府信息公开工作年度报告 → verified data.

Public API::

    from extractor import extract, Settings
    result = extract("report.pdf")
"""
from extractor.api import extract, extract_document
from extractor.errors import InputError, NianbaoError
from extractor.load import Document, load
from extractor.settings import LLMSettings, Settings

__all__ = ["Document", "InputError", "LLMSettings", "NianbaoError", "Settings", "extract", "extract_document", "load"]
