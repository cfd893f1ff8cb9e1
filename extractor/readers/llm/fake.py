"""A backend that answers from a script, for unit tests and dry runs: no HTTP, no model.

``FakeBackend({"p3": {...answer JSON...}, "p4": EndpointError("down")})`` answers each
part with the given JSON (validated exactly like a real answer, with the same context), a
callable ``(messages) -> JSON``, or raises the given exception. A list gives successive
attempts: an answer that fails validation is re-asked with the next one, up to
``max_reasks`` times, as instructor does. Every request is recorded.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from extractor.errors import BackendError, ModelOutputError
from extractor.readers.llm.backend import T
from schemas import Usage

Script = dict | Callable[[list[dict[str, str]]], dict] | BaseException


@dataclass
class FakeBackend:
    answers: dict[str, Script | list[Script]]
    model: str = "fake-model"
    max_reasks: int = 1
    tokens_per_call: tuple[int, int] = (100, 20)  # (prompt, completion) charged per request
    requests: list[dict[str, Any]] = field(default_factory=list)

    def complete(self, part: str, messages: list[dict[str, str]], response_model: type[T], *,
                 max_tokens: int, context: dict | None = None) -> tuple[T, Usage]:
        script = self.answers[part]
        attempts = list(script) if isinstance(script, list) else [script]
        usage = Usage()
        for attempt in attempts[: self.max_reasks + 1]:
            self.requests.append({"part": part, "messages": messages, "response_model": response_model,
                                  "max_tokens": max_tokens, "context": context})
            usage.llm_calls += 1
            usage.prompt_tokens += self.tokens_per_call[0]
            usage.completion_tokens += self.tokens_per_call[1]
            if isinstance(attempt, BaseException):
                usage.failed_attempts += 1
                if isinstance(attempt, BackendError):
                    attempt.usage = usage
                raise attempt
            data = attempt(messages) if callable(attempt) else attempt
            try:
                return response_model.model_validate(data, context=context), usage
            except ValidationError as e:
                usage.failed_attempts += 1
                error, last = e, data
                messages = [*messages, {"role": "user", "content": f"Correct the errors: {e}"}]
        raise ModelOutputError(f"{part}: invalid model output after {usage.llm_calls} attempt(s): {error}", usage,
                               answer=_without_context(response_model, last))


def _without_context(response_model, data):
    try:
        return response_model.model_validate(data)
    except ValidationError:
        return None
