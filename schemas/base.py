"""The base of the models a text extract builds: their pydantic schema is built on first use.

The pipeline builds these models from data it made itself (``model_construct``, no validation),
so a ``nianbao extract`` that validates nothing never builds a schema: ~125M instructions and
pydantic's plugin machinery (``importlib.metadata``) off every start-up. Validating (a user's
``Settings``, ``Result.model_validate_json``) and ``model_dump_json`` build it then, once.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
