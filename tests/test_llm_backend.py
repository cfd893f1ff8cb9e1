"""The OpenAI-compatible backend's pieces: instructor mode per endpoint, retry policy."""
import httpx2
import instructor
import openai
import pytest
from instructor.core import InstructorRetryException

from extractor.readers.llm.openai_compat import _is_transient, retry_after
from extractor.readers.llm.providers import mode_for
from extractor.settings import LLMSettings


@pytest.mark.parametrize("url,mode", [
    ("http://127.0.0.1:8080/v1", instructor.Mode.TOOLS),
    ("https://api.deepseek.com/v1", instructor.Mode.TOOLS),
    ("https://dashscope.aliyuncs.com/compatible-mode/v1", instructor.Mode.TOOLS),
    (None, instructor.Mode.TOOLS),
])
def test_mode_per_endpoint(url, mode):
    assert mode_for(LLMSettings(base_url=url)) == mode


def test_the_mode_setting_overrides_the_table():
    assert mode_for(LLMSettings(base_url="http://127.0.0.1:8080/v1", mode="json_schema")) == instructor.Mode.JSON_SCHEMA


def _status_error(cls, code, headers=None):
    request = httpx2.Request("POST", "http://x/v1/chat/completions")
    return cls("boom", response=httpx2.Response(code, headers=headers or {}, request=request), body=None)


def test_retry_after_in_seconds_milliseconds_or_missing():
    assert retry_after(_status_error(openai.RateLimitError, 429, {"retry-after": "3"})) == 3
    assert retry_after(_status_error(openai.RateLimitError, 429, {"retry-after-ms": "1500"})) == 1.5
    assert retry_after(_status_error(openai.RateLimitError, 429, {"retry-after": "9999"})) == 120
    assert retry_after(_status_error(openai.InternalServerError, 500)) == 0
    assert retry_after(ValueError("no response")) == 0


def test_what_is_retried():
    assert _is_transient(_status_error(openai.RateLimitError, 429))
    assert _is_transient(_status_error(openai.InternalServerError, 503))
    assert _is_transient(openai.APITimeoutError(request=httpx2.Request("POST", "http://x")))
    assert not _is_transient(_status_error(openai.BadRequestError, 400))
    assert not _is_transient(_status_error(openai.AuthenticationError, 401))
    # instructor wraps API errors: the cause decides
    wrapped = InstructorRetryException("x", n_attempts=1, total_usage=0)
    wrapped.__cause__ = _status_error(openai.InternalServerError, 500)
    assert _is_transient(wrapped)
