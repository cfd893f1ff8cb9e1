"""Schemathesis against `nianbao serve`'s own OpenAPI schema: whatever it generates, no 5xx.

Bounded: a few examples per operation, no deadline, so it stays a few seconds in CI."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from extractor.serve import ServeConfig, create_app

_DATA = Path(tempfile.mkdtemp(prefix="nianbao-schema-"))
app = create_app(ServeConfig(data_dir=_DATA, start_jobs=False, backend="rules"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    shutil.rmtree(_DATA, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    case.call_and_validate(checks=[not_a_server_error])
