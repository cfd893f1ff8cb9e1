"""Settings objects: a public function takes the document plus one of these."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field

from schemas.base import Model

Backend = Literal["auto", "rules", "llm", "hybrid"]
OcrMode = Literal["auto", "always", "never"]


class LLMSettings(Model):
    """An OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp)."""

    base_url: str | None = Field(None, description="OPENAI_BASE_URL")
    api_key: str | None = Field(None, description="OPENAI_API_KEY")
    model: str | None = Field(None, description="NIANBAO_MODEL")
    timeout_s: float = Field(180.0, description="NIANBAO_LLM_TIMEOUT: seconds a request may wait for its answer "
                                                "(a small local model on two CPU cores needs minutes for one "
                                                "table); connecting gives up after 5 s")
    max_retries: int = Field(4, description="tenacity attempts on 429/5xx/timeouts")
    retry_budget_s: float = Field(60.0, description="NIANBAO_LLM_RETRY_BUDGET: no retry (429/5xx/timeout) starts "
                                                    "later than this many seconds after a document's first request")
    max_reasks: int = Field(1, description="instructor re-asks after invalid output")
    token_budget: int | None = Field(60_000, description="per-document token budget; None = unlimited")
    cache_dir: Path | None = Field(Path(".nianbao-cache"), description="on-disk response cache; None disables")
    offline: bool = Field(False, description="NIANBAO_LLM_OFFLINE=1: answer from the cache only, never call the endpoint")
    mode: Literal["tools", "json_schema", "json", "md_json"] | None = Field(None, description="NIANBAO_LLM_MODE: instructor mode (tools, json_schema, json, md_json); "
                                               "None = chosen from the endpoint's host")
    usd_per_mtok: tuple[float, float] | None = Field(
        None, description="NIANBAO_USD_PER_MTOK='in,out': price per million prompt/completion tokens, for cost_usd")

    @property
    def configured(self) -> bool:
        return bool(self.model and (self.base_url or self.api_key))

    @classmethod
    def from_env(cls) -> LLMSettings:
        """The endpoint the environment names. With none of its variables set, the defaults, built
        without validation (``schemas/base.py``): a text extract then builds no pydantic schema."""
        env = os.environ.get
        cache = env("NIANBAO_CACHE_DIR")
        price = env("NIANBAO_USD_PER_MTOK")
        given = {
            "base_url": env("OPENAI_BASE_URL") or None,
            "api_key": env("OPENAI_API_KEY") or None,
            "model": env("NIANBAO_MODEL") or None,
            "offline": env("NIANBAO_LLM_OFFLINE", "") not in ("", "0"),
            "mode": env("NIANBAO_LLM_MODE") or None,
            **({"timeout_s": float(env("NIANBAO_LLM_TIMEOUT"))} if env("NIANBAO_LLM_TIMEOUT") else {}),
            **({"retry_budget_s": float(env("NIANBAO_LLM_RETRY_BUDGET"))} if env("NIANBAO_LLM_RETRY_BUDGET") else {}),
            **({"cache_dir": Path(cache)} if cache else {}),
            **({"usd_per_mtok": tuple(price.split(","))} if price else {}),
        }
        return cls(**given) if any(given.values()) else cls.build()


class Settings(Model):
    backend: Backend = Field("auto", description="auto = hybrid when an endpoint is configured, else rules")
    llm: LLMSettings = Field(default_factory=LLMSettings.from_env)
    ocr: OcrMode = Field("auto", description="auto = OCR a PDF without a text layer and images; always; never")
    ocr_jobs: int | None = Field(None, description="processes for OCR pages; None = one per core")

    def resolved_backend(self) -> str:
        if self.backend != "auto":
            return self.backend
        return "hybrid" if self.llm.configured else "rules"
