"""A failing model endpoint is loud and fast: refused connections and 401/403 fail at once,
429/5xx and timeouts are retried only within the document's time budget, the key never
reaches a message or an output file, and a batch with such documents exits non-zero.

The endpoint is a tiny HTTP server on 127.0.0.1 that answers every request with a fixed
status (no model, nothing leaves the machine): it exercises the real SDK's errors.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from extractor.batch import BatchOptions, run_batch
from extractor.cli.main import main
from extractor.errors import EndpointError
from extractor.readers.llm.openai_compat import OpenAICompatible, redact
from extractor.settings import LLMSettings
from schemas.llm import P4Answer
from tests.conftest import fixture_file

KEY = "sk-live-0123456789abcdefSECRET"
S003 = "003_589bf4f08d70f012"


class _Endpoint:
    def __init__(self, status: int, *, delay: float = 0.0, retry_after: str | None = None):
        self.requests = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                endpoint.requests += 1
                self.rfile.read(int(self.headers.get("content-length") or 0))
                if delay:
                    time.sleep(delay)
                body = json.dumps({"error": {"message": f"Incorrect API key provided: {KEY}; "
                                              f"Authorization: Bearer {KEY}", "type": "invalid_request_error"}})
                self.send_response(status)
                self.send_header("content-type", "application/json")
                if retry_after is not None:
                    self.send_header("retry-after", retry_after)
                self.end_headers()
                try:
                    self.wfile.write(body.encode())
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve(monkeypatch):
    monkeypatch.setattr("extractor.readers.llm.backend.ALLOW_MODEL_REQUESTS", True)
    started = []

    def make(status, **kw):
        started.append(_Endpoint(status, **kw))
        return started[-1]

    yield make
    for endpoint in started:
        endpoint.close()


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"  # nothing listens once closed


def _settings(url, **kw) -> LLMSettings:
    return LLMSettings(base_url=url, api_key=KEY, model="m", cache_dir=None, **kw)


class _Clock:
    """Real time plus the waits the backend asked for, which are not really waited."""

    def __init__(self):
        self.slept: list[float] = []

    def now(self) -> float:
        return time.monotonic() + sum(self.slept)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def _ask(settings: LLMSettings, clock: _Clock | None = None):
    backend = OpenAICompatible(settings, sleep=clock.sleep if clock else time.sleep)
    if clock:
        backend._clock = clock.now
    return backend.complete("p4", [{"role": "user", "content": "x"}], P4Answer, max_tokens=5)


@pytest.mark.parametrize("status", [401, 403, 400])
def test_auth_and_client_errors_fail_at_once_without_the_key(serve, status):
    endpoint = serve(status)
    with pytest.raises(EndpointError, match=f"HTTP {status}") as failure:
        _ask(_settings(endpoint.url))
    assert endpoint.requests == 1
    assert KEY not in str(failure.value) and "0123456789abcdef" not in str(failure.value)


def test_a_refused_connection_fails_at_once(monkeypatch):
    monkeypatch.setattr("extractor.readers.llm.backend.ALLOW_MODEL_REQUESTS", True)
    t = time.monotonic()
    with pytest.raises(EndpointError, match="unreachable"):
        _ask(_settings(_dead_url()))
    assert time.monotonic() - t < 3


@pytest.mark.parametrize("status, retry_after", [(429, "0"), (500, None), (503, "1")])
def test_429_and_5xx_are_retried_within_the_time_budget(serve, status, retry_after):
    endpoint = serve(status, retry_after=retry_after)
    clock = _Clock()
    with pytest.raises(EndpointError, match=f"HTTP {status}"):
        _ask(_settings(endpoint.url, max_retries=10, retry_budget_s=20), clock)
    assert 3 <= endpoint.requests <= 6  # retried, but backoff (1 s, 2 s, 4 s … + jitter) stops at the budget
    assert len(clock.slept) == endpoint.requests - 1 and all(w >= 1 for w in clock.slept)
    assert sum(clock.slept) <= 20  # no retry started past the budget


def test_a_hanging_server_is_given_up_after_the_request_timeout(serve):
    endpoint = serve(200, delay=3.0)
    t = time.monotonic()
    with pytest.raises(EndpointError, match="in time"):
        _ask(_settings(endpoint.url, timeout_s=0.5, retry_budget_s=0.2))
    assert time.monotonic() - t < 2.5 and endpoint.requests == 1


def test_redact_removes_the_configured_key_and_key_shaped_strings():
    assert redact(f"bad key {KEY}!", KEY) == "bad key [redacted]!"
    assert redact("Bearer abcdefghijklmnop and sk-proj-AbC_123456789") == "[redacted] and [redacted]"
    assert redact("p4: HTTP 500 from the model endpoint") == "p4: HTTP 500 from the model endpoint"


def test_cli_extract_against_a_dead_endpoint_fails_fast_and_non_zero(monkeypatch, capsys):
    monkeypatch.setattr("extractor.readers.llm.backend.ALLOW_MODEL_REQUESTS", True)
    monkeypatch.setenv("OPENAI_BASE_URL", _dead_url())
    monkeypatch.setenv("NIANBAO_MODEL", "m")
    monkeypatch.setenv("NIANBAO_CACHE_DIR", "")
    t = time.monotonic()
    code = main(["extract", str(fixture_file(S003)), "--backend", "llm", "--json"])
    assert code != 0 and time.monotonic() - t < 15
    err = capsys.readouterr().err
    assert "unreachable" in err and "internal error" not in err


def test_a_batch_with_a_401_endpoint_fails_those_documents_and_exits_non_zero(serve, monkeypatch, tmp_path, capsys):
    endpoint = serve(401)
    monkeypatch.setenv("OPENAI_BASE_URL", endpoint.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("NIANBAO_MODEL", "m")
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "in"
    src.mkdir()
    for name in (S003, "001_9a2f7be38055e01f"):
        (src / f"{name}.txt").write_bytes(fixture_file(name).read_bytes())
    out = tmp_path / "out"
    code = main(["batch", str(src), "--out", str(out), "--backend", "llm", "--jobs", "2"])
    assert code == 1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"]["ok"] == 0
    assert summary["documents"]["failed_by_reason"] == {"backend_error": 2}
    assert endpoint.requests == 2  # one per document: a 401 is never retried, later parts never asked
    for f in out.rglob("*"):
        if f.is_file() and f.suffix in (".csv", ".json", ".txt"):
            text = f.read_text(encoding="utf-8-sig")
            assert KEY not in text and "0123456789abcdef" not in text, f
    assert KEY not in capsys.readouterr().err
    run_batch([str(src)], tmp_path / "out2", BatchOptions(backend="rules"))  # the rules backend is unaffected


def test_a_batch_against_a_dead_endpoint_stops_early_leaving_the_rest_pending(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr("extractor.readers.llm.backend.ALLOW_MODEL_REQUESTS", True)
    monkeypatch.setenv("OPENAI_BASE_URL", _dead_url())
    monkeypatch.setenv("NIANBAO_MODEL", "m")
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "in"
    src.mkdir()
    text = fixture_file(S003).read_text(encoding="utf-8")
    for i in range(12):  # distinct documents
        (src / f"r{i}.txt").write_text(text + f"\n附注 {i}\n", encoding="utf-8")
    t = time.monotonic()
    code = main(["batch", str(src), "--out", str(tmp_path / "out"), "--backend", "llm", "--jobs", "1"])
    assert code == 1 and time.monotonic() - t < 15
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["documents"]["failed_by_reason"] == {"backend_error": 3}
    assert summary["documents"]["pending"] == 9
    assert "not started" in capsys.readouterr().err


def test_the_key_is_redacted_from_the_sdk_log_records_too(serve, caplog):
    endpoint = serve(401)
    with pytest.raises(EndpointError):
        _ask(_settings(endpoint.url))
    assert caplog.records and not any(KEY in r.getMessage() for r in caplog.records)
