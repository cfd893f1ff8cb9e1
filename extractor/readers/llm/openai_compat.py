"""Backend for any OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen/DashScope, vLLM, Ollama,
llama.cpp), through instructor.

Two loops, each bounded: tenacity retries the whole request on transient failures (429,
5xx, timeouts, connection errors) with exponential backoff and jitter, waiting at least
what ``Retry-After`` asks; inside it, instructor re-asks after output that fails
validation (``max_reasks``). Every attempt's tokens are collected through instructor's
hooks, so failed attempts are paid for in the usage too. SDK errors stop here: they leave
as ``EndpointError`` or ``ModelOutputError``.
"""
from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from extractor.errors import EndpointError, ModelOutputError
from extractor.readers.llm.backend import T, check_requests_allowed
from extractor.readers.llm.providers import mode_for
from extractor.settings import LLMSettings
from schemas import Usage

# instructor logs every failed attempt at ERROR; we report failures as findings instead, so
# its records reach the user only if the application configures logging itself.
logging.getLogger("instructor").addHandler(logging.NullHandler())

_TRANSIENT = (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError)  # timeouts included
_MAX_WAIT_S = 120.0


class OpenAICompatible:
    """``complete()`` against ``settings.base_url`` with ``settings.model``."""

    def __init__(self, settings: LLMSettings, *, sleep: Callable[[float], None] = time.sleep):
        self.model = settings.model or ""
        self._settings = settings
        self._sleep = sleep  # injectable so that replayed 429s need not really wait
        client = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed",
                               max_retries=0, timeout=settings.timeout_s)
        self._mode = mode_for(settings)
        self._client = instructor.from_openai(client, mode=self._mode)

    def complete(self, part: str, messages: list[dict[str, str]], response_model: type[T], *,
                 max_tokens: int, context: dict | None = None) -> tuple[T, Usage]:
        usage = Usage()
        retrying = Retrying(
            stop=stop_after_attempt(self._settings.max_retries + 1),
            wait=_wait,
            retry=retry_if_exception(_is_transient),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    check_requests_allowed()
                    answer = self._client.create(
                        model=self.model, messages=[dict(m) for m in messages], response_model=response_model,
                        max_retries=self._settings.max_reasks, strict=False, context=context,
                        hooks=_usage_hooks(usage), max_tokens=max_tokens, temperature=0,
                    )
            return answer, usage
        except EndpointError as e:
            e.usage = usage
            raise
        except Exception as e:
            error = _translate(e, part, usage)
            if isinstance(error, ModelOutputError) and isinstance(e, InstructorRetryException):
                error.answer = _salvage(e, response_model, self._mode)
            raise error from e


def _usage_hooks(usage: Usage) -> Hooks:
    def on_request(*args, **kwargs) -> None:
        usage.llm_calls += 1

    def on_response(response) -> None:
        if getattr(response, "usage", None) is not None:
            usage.prompt_tokens += response.usage.prompt_tokens or 0
            usage.completion_tokens += response.usage.completion_tokens or 0

    def on_failure(error, **kwargs) -> None:
        usage.failed_attempts += 1

    hooks = Hooks()
    hooks.on("completion:kwargs", on_request)
    hooks.on("completion:response", on_response)
    hooks.on("completion:error", on_failure)
    hooks.on("parse:error", on_failure)
    return hooks


def _cause(e: BaseException) -> BaseException:
    """The SDK error behind instructor's wrapper, if any."""
    if isinstance(e, InstructorRetryException) and e.__cause__ is not None:
        return e.__cause__
    return e


def _is_transient(e: BaseException) -> bool:
    return isinstance(_cause(e), _TRANSIENT)


def _wait(state) -> float:
    backoff = wait_exponential_jitter(initial=1, max=30)(state)
    return max(backoff, retry_after(_cause(state.outcome.exception())))


def retry_after(error: BaseException) -> float:
    """Seconds the server asked us to wait (``Retry-After`` / ``retry-after-ms``), else 0."""
    response = getattr(error, "response", None)
    if response is None:
        return 0.0
    headers = response.headers
    try:
        if "retry-after-ms" in headers:
            return min(float(headers["retry-after-ms"]) / 1000, _MAX_WAIT_S)
        value = headers.get("retry-after")
        if value is None:
            return 0.0
        try:
            return min(max(float(value), 0.0), _MAX_WAIT_S)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return min(max(when.timestamp() - time.time(), 0.0), _MAX_WAIT_S)
    except (TypeError, ValueError):
        return 0.0


def _translate(e: Exception, part: str, usage: Usage) -> Exception:
    cause = _cause(e)
    if isinstance(cause, openai.APIStatusError):
        return EndpointError(f"{part}: HTTP {cause.status_code} from the model endpoint: {_short(cause)}", usage)
    if isinstance(cause, openai.APIConnectionError):
        return EndpointError(f"{part}: model endpoint unreachable: {_short(cause)}", usage)
    if isinstance(e, IncompleteOutputException):
        usage.failed_attempts += 1  # instructor raises it without a parse:error event
        return ModelOutputError(f"{part}: the model's answer was cut off at max_tokens", usage)
    if isinstance(e, InstructorRetryException):
        return ModelOutputError(f"{part}: invalid model output after {e.n_attempts} attempt(s): {_short(cause)}",
                                usage)
    if isinstance(e, openai.OpenAIError):
        return EndpointError(f"{part}: {_short(e)}", usage)
    raise e


def _salvage(e: InstructorRetryException, response_model: type[T], mode) -> T | None:
    """The last answer if it is valid without the checks against the text (context)."""
    if e.last_completion is None:
        return None
    try:
        parsed = instructor.openai_schema(response_model).from_response(
            e.last_completion, validation_context=None, strict=False, mode=mode)
        return response_model.model_validate(parsed.model_dump())
    except Exception:  # noqa: BLE001 - any failure means there is nothing to salvage
        return None


def _short(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= 300 else text[:297] + "…"
