"""Shared fixtures. Tests are offline: cassettes are replayed with --record-mode=none."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "evals" / "fixtures"
SAMPLES = sorted(FIXTURES.glob("00?_*/*.txt"))
PDFS = sorted(FIXTURES.glob("*/*.pdf"))


def fixture_file(name: str) -> Path:
    """The source document of the fixture folder ``name``."""
    files = [f for f in (FIXTURES / name).iterdir() if f.suffix.lower() in {".txt", ".pdf", ".docx", ".html"}]
    assert len(files) == 1, files
    return files[0]


def blank_pdf() -> bytes:
    """A valid one-page PDF with no text layer, like a scan without OCR."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@pytest.fixture
def sample_text() -> str:
    return fixture_file("001_9a2f7be38055e01f").read_text(encoding="utf-8")


# ---------------------------------------------------------------- model endpoints in tests
# Tests never reach a model: a test that replays a cassette (marked ``vcr``) may send
# requests, which VCR answers; anywhere else the request switch is off, so a stray real
# request fails at once. The endpoint settings of the person running the tests are ignored.
_LLM_ENV = ("OPENAI_BASE_URL", "OPENAI_API_KEY", "NIANBAO_MODEL", "NIANBAO_CACHE_DIR", "NIANBAO_LLM_OFFLINE",
            "NIANBAO_LLM_MODE", "NIANBAO_LLM_TIMEOUT", "NIANBAO_USD_PER_MTOK", "NIANBAO_LLM_RETRY_BUDGET")


@pytest.fixture(autouse=True)
def _no_model_requests(request, monkeypatch):
    for var in _LLM_ENV:
        monkeypatch.delenv(var, raising=False)
    if request.node.get_closest_marker("vcr") is None:
        monkeypatch.setattr("extractor.readers.llm.backend.ALLOW_MODEL_REQUESTS", False)


@pytest.fixture(scope="module")
def vcr_config():
    # The record mode is left to --record-mode on the command line: set here, it would silently win.
    return {
        "filter_headers": ["authorization", "x-api-key", "api-key", "openai-organization", "cookie"],
        "match_on": ["method", "path", "body"],
        "decode_compressed_response": True,
    }


# ---------------------------------------------------------------- the recorded model endpoint (cassettes)
ENDPOINT_FILE = Path(__file__).parent / "cassettes" / "llm_endpoint.json"
ENV_AT_START = dict(os.environ)  # taken at import: the autouse fixture clears the endpoint variables


def recording(config) -> bool:
    return (config.getoption("--record-mode") or "none") != "none"  # pytest-recording's default: none


@pytest.fixture(scope="module")
def endpoint(request) -> dict:
    """The recorded endpoint when replaying; the environment's when recording."""
    if not recording(request.config):
        return json.loads(ENDPOINT_FILE.read_text(encoding="utf-8"))
    if not (ENV_AT_START.get("OPENAI_BASE_URL") and ENV_AT_START.get("NIANBAO_MODEL")):
        pytest.exit("recording needs OPENAI_BASE_URL and NIANBAO_MODEL", returncode=2)
    found = {"base_url": ENV_AT_START["OPENAI_BASE_URL"], "model": ENV_AT_START["NIANBAO_MODEL"]}
    ENDPOINT_FILE.parent.mkdir(parents=True, exist_ok=True)
    ENDPOINT_FILE.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    return found
