"""The narrow interface every model backend implements, and the switch that blocks real requests.

A backend answers one structured request. It raises ``EndpointError`` when the endpoint
cannot be reached or keeps failing, ``ModelOutputError`` when the output stays invalid after
the bounded re-asks; either carries in ``.usage`` what the failed attempts cost.
"""
from __future__ import annotations

from typing import Protocol, TypeVar

from pydantic import BaseModel

from extractor.errors import EndpointError
from schemas import Usage

T = TypeVar("T", bound=BaseModel)

# Tests turn this off (tests/conftest.py) so that nothing but a replayed cassette or a
# fake backend can answer; a real request then fails loudly instead of reaching a server.
ALLOW_MODEL_REQUESTS = True


class Backend(Protocol):
    model: str

    def complete(self, part: str, messages: list[dict[str, str]], response_model: type[T], *,
                 max_tokens: int, context: dict | None = None) -> tuple[T, Usage]:
        """One validated answer for ``part`` (``p2``/``p3``/``p4``) and what it cost."""
        ...


def check_requests_allowed() -> None:
    if not ALLOW_MODEL_REQUESTS:
        raise EndpointError("model requests are blocked here (tests): use a cassette or the fake backend")
