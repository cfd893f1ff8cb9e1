"""The LLM reader: structured extraction of the table parts through instructor, from any
OpenAI-compatible endpoint, with retries, re-asks, a token budget, an answer cache and
grounding of every returned number in the text.

Public API::

    from extractor.readers.llm import read, FakeBackend
    reading = read(doc, parts, template, settings.llm)             # real endpoint from settings
    reading = read(doc, parts, template, settings.llm, backend=FakeBackend({...}))

Modules: ``tasks`` (what is asked per part), ``prompts`` (versioned prompt files),
``backend`` (the one-method interface), ``openai_compat`` (the real backend),
``providers`` (instructor mode per endpoint), ``fake``, ``cache``, ``numbers``,
``grounding``, ``reader``.
"""
from extractor.readers.llm.backend import Backend
from extractor.readers.llm.fake import FakeBackend
from extractor.readers.llm.reader import LLMReading, read

__all__ = ["Backend", "FakeBackend", "LLMReading", "read"]
