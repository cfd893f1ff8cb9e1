"""Backend for any OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen/DashScope, vLLM, Ollama,
llama.cpp), through instructor.

Two loops, each bounded: tenacity retries the whole request on transient failures (429,
5xx, timeouts) with exponential backoff and jitter, waiting at least what ``Retry-After``
asks, and never starts a retry past the document's time budget (``retry_budget_s`` from
its first request); inside it, instructor re-asks after output that fails validation
(``max_reasks``). An endpoint that cannot be reached at all and 401/403 fail at once: no
retry would help. Every attempt's tokens are collected through instructor's hooks, so
failed attempts are paid for in the usage too. SDK errors stop here: they leave as
``EndpointError`` or ``ModelOutputError``, with the API key redacted from their message
(a server may echo it in a 401 body).
"""
from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Callable

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from extractor.errors import EndpointDown, EndpointError, ModelOutputError
from extractor.readers.llm.backend import T, check_requests_allowed
from extractor.readers.llm.providers import mode_for
from extractor.settings import LLMSettings
from schemas import Usage

# instructor logs every failed attempt at ERROR; we report failures as findings instead, so
# its records reach the user only if the application configures logging itself.
logging.getLogger("instructor").addHandler(logging.NullHandler())


class _RedactKeys(logging.Filter):
    """Its failed-attempt records quote the server's answer, which may echo the key."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


for _name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] in ("instructor", "openai")]:
    logging.getLogger(_name).addFilter(_RedactKeys())

# Worth another try. A refused connection or an unknown host (APIConnectionError that is
# not a timeout) and 4xx other than 429 are not: they fail at once.
_TRANSIENT = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError)
_MAX_WAIT_S = 120.0
_CONNECT_TIMEOUT_S = 5.0
_KEYLIKE = re.compile(r"\b(?:sk|ak|key)-[A-Za-z0-9_\-*.]{6,}|\bBearer\s+[A-Za-z0-9_\-.=]{8,}")


class OpenAICompatible:
    """``complete()`` against ``settings.base_url`` with ``settings.model``."""

    def __init__(self, settings: LLMSettings, *, sleep: Callable[[float], None] = time.sleep):
        self.model = settings.model or ""
        self._settings = settings
        self._sleep = sleep  # injectable so that replayed 429s need not really wait
        client = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed", max_retries=0,
                               timeout=openai.Timeout(settings.timeout_s, connect=min(_CONNECT_TIMEOUT_S,
                                                                                     settings.timeout_s)))
        self._deadline: float | None = None  # no retry starts after it: first request + retry_budget_s
        self._clock = time.monotonic
        self._mode = mode_for(settings)
        self._client = instructor.from_openai(client, mode=self._mode)

    def complete(self, part: str, messages: list[dict[str, str]], response_model: type[T], *,
                 max_tokens: int, context: dict | None = None) -> tuple[T, Usage]:
        usage = Usage()
        if self._deadline is None:
            self._deadline = self._clock() + self._settings.retry_budget_s
        retrying = Retrying(
            stop=stop_after_attempt(self._settings.max_retries + 1) | self._past_budget,  # type: ignore[operator]  # tenacity's | takes any stop callable
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
            error = _translate(e, part, usage, self._settings.api_key)
            if isinstance(error, ModelOutputError) and isinstance(e, InstructorRetryException):
                error.answer = _salvage(e, response_model, self._mode)
            raise error from e

    def _past_budget(self, state) -> bool:
        """Stop retrying when the next attempt would start after the document's time budget."""
        return self._clock() + state.upcoming_sleep > self._deadline


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
    cause = _cause(e)
    return isinstance(cause, _TRANSIENT) and not _no_connection(cause)


def _no_connection(error: BaseException) -> bool:
    """A timeout while connecting: nothing answers at that address (a dead or firewalled host)."""
    return isinstance(error, openai.APITimeoutError) and type(error.__cause__).__name__ == "ConnectTimeout"


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


def _translate(e: Exception, part: str, usage: Usage, key: str | None) -> Exception:
    cause = _cause(e)
    if isinstance(cause, openai.APIStatusError):
        hint = " (check OPENAI_API_KEY)" if cause.status_code in (401, 403) else ""
        kind = EndpointDown if cause.status_code in (401, 403) else EndpointError
        return kind(f"{part}: HTTP {cause.status_code} from the model endpoint{hint}: "
                             f"{_short(cause, key)}", usage)
    if _no_connection(cause):
        return EndpointDown(f"{part}: model endpoint unreachable: no connection in {_CONNECT_TIMEOUT_S:g} s", usage)
    if isinstance(cause, openai.APITimeoutError):
        return EndpointError(f"{part}: the model endpoint did not answer in time: {_short(cause, key)}", usage)
    if isinstance(cause, openai.APIConnectionError):
        return EndpointDown(f"{part}: model endpoint unreachable: {_short(cause, key)}", usage)
    if isinstance(e, IncompleteOutputException):
        usage.failed_attempts += 1  # instructor raises it without a parse:error event
        return ModelOutputError(f"{part}: the model's answer was cut off at max_tokens", usage)
    if isinstance(e, InstructorRetryException):
        return ModelOutputError(f"{part}: invalid model output after {e.n_attempts} attempt(s): "
                                f"{_short(cause, key)}", usage)
    if isinstance(e, openai.OpenAIError):
        return EndpointError(f"{part}: {_short(e, key)}", usage)
    raise e


def redact(text: str, key: str | None = None) -> str:
    """``text`` without the API key: the configured one, and anything shaped like one."""
    if key and len(key) >= 4:
        text = text.replace(key, "[redacted]")
    return _KEYLIKE.sub("[redacted]", text)


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


def _short(e: BaseException, key: str | None = None) -> str:
    text = redact(" ".join(str(e).split()), key)
    return text if len(text) <= 300 else text[:297] + "…"
