"""The one place that knows provider quirks: which instructor mode each endpoint gets.

TOOLS (function calling) works everywhere we tried or that documents it; llama.cpp's
server (llama-cpp-python) refuses ``response_format: json_schema`` with HTTP 500, so
JSON_SCHEMA is only for endpoints that support OpenAI structured outputs. A setting
(``NIANBAO_LLM_MODE``) overrides the table.
"""
from __future__ import annotations

from urllib.parse import urlparse

import instructor

from extractor.settings import LLMSettings

MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}

# (host suffix, mode name); the first match wins, anything else gets TOOLS.
HOSTS: tuple[tuple[str, str], ...] = (
    ("api.openai.com", "tools"),          # json_schema works too (structured outputs)
    ("api.deepseek.com", "tools"),        # no json_schema response format
    ("dashscope.aliyuncs.com", "tools"),  # Qwen, compatible mode
    ("dashscope-intl.aliyuncs.com", "tools"),
    ("localhost", "tools"),               # llama.cpp / vLLM / Ollama: tools; json_schema → 500 on llama.cpp
    ("127.0.0.1", "tools"),
)


def mode_for(settings: LLMSettings) -> instructor.Mode:
    if settings.mode:
        return MODES[settings.mode]
    host = urlparse(settings.base_url or "https://api.openai.com/v1").hostname or ""
    for suffix, name in HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return MODES[name]
    return MODES["tools"]
