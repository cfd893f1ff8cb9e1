"""Settings objects: a public function takes the document plus one of these."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

Backend = Literal["auto", "rules", "llm", "hybrid"]


class LLMSettings(BaseModel):
    """An OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp)."""

    base_url: str | None = Field(None, description="OPENAI_BASE_URL")
    api_key: str | None = Field(None, description="OPENAI_API_KEY")
    model: str | None = Field(None, description="NIANBAO_MODEL")
    timeout_s: float = 120.0
    max_retries: int = Field(4, description="tenacity attempts on 429/5xx/timeouts")
    max_reasks: int = Field(1, description="instructor re-asks after invalid output")
    token_budget: int | None = Field(60_000, description="per-document token budget; None = unlimited")
    cache_dir: Path | None = Field(Path(".nianbao-cache"), description="on-disk response cache; None disables")

    @property
    def configured(self) -> bool:
        return bool(self.model and (self.base_url or self.api_key))

    @classmethod
    def from_env(cls) -> "LLMSettings":
        cache = os.environ.get("NIANBAO_CACHE_DIR")
        return cls(
            base_url=os.environ.get("OPENAI_BASE_URL") or None,
            api_key=os.environ.get("OPENAI_API_KEY") or None,
            model=os.environ.get("NIANBAO_MODEL") or None,
            **({"cache_dir": Path(cache)} if cache else {}),
        )


class Settings(BaseModel):
    backend: Backend = Field("auto", description="auto = hybrid when an endpoint is configured, else rules")
    llm: LLMSettings = Field(default_factory=LLMSettings.from_env)

    def resolved_backend(self) -> str:
        if self.backend != "auto":
            return self.backend
        return "hybrid" if self.llm.configured else "rules"
