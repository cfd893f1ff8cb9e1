"""The base of the models a text extract builds: schemas built on first use, trusted data built fast.

The pipeline builds these models from data it made itself, with :meth:`Model.build` (no
validation), so a ``nianbao extract`` that validates nothing never builds a pydantic schema
(the result models' schemas cost ~125M instructions at import) nor loads pydantic's plugin
lookup (``importlib.metadata``, email, zipfile …).
Validating (a user's ``Settings``, ``Result.model_validate_json``) and ``model_dump_json`` build
it then, once. ``tests/test_trusted_models.py`` checks that what is built equals what validation
gives, values and types.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache, partial
from typing import Any, NamedTuple, Self, TypeVar

from pydantic import BaseModel, ConfigDict

_set, _new = object.__setattr__, object.__new__
M = TypeVar("M", bound="Model")


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)

    @classmethod
    def build(cls, **values: Any) -> Self:
        """The model of ``values``, trusted: what ``model_construct`` makes (fields in order,
        defaults filled in, ``model_fields_set``) in a third of its time. A field that is not the
        model's, or a required one not given, is a ``TypeError``."""
        return _build(cls, _plan(cls), values)

    @classmethod
    def build_all(cls, values: dict[str, dict[str, Any]]) -> dict[str, Self]:
        """``{key: model}`` of many models' fields at once (a reading's cells): ~1.4 µs a model,
        about what validating them all in one call costs."""
        plan = _plan(cls)
        return {key: _build(cls, plan, fields) for key, fields in values.items()}


class _Plan(NamedTuple):
    template: dict[str, Any]  # every field, in order, with its default (a placeholder for the others)
    factories: tuple[tuple[str, Callable[[], Any]], ...]  # fields whose default is made anew
    required: tuple[str, ...]


def _build(cls: type[M], plan: _Plan, values: dict[str, Any]) -> M:
    fields = plan.template.copy()  # every field in order: updating keeps the order
    fields.update(values)
    if len(fields) != len(plan.template):
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(values.keys() - plan.template.keys()))}")
    for name, factory in plan.factories:
        if name not in values:
            fields[name] = factory()
    for name in plan.required:
        if name not in values:
            raise TypeError(f"{cls.__name__}: {name} is required")
    model = _new(cls)
    _set(model, "__dict__", fields)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


@cache
def _plan(cls: type[Model]) -> _Plan:
    if cls.__private_attributes__ or cls.__pydantic_post_init__:
        raise TypeError(f"{cls.__name__}: Model.build does not set private attributes or run post-init")
    template: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    required = []
    for name, field in cls.model_fields.items():
        template[name] = field.default
        if field.default_factory is not None:
            factories.append((name, field.default_factory))  # type: ignore[arg-type]  # none takes the validated data
        elif isinstance(field.default, (list, dict, set)):
            factories.append((name, partial(copy.deepcopy, field.default)))
        elif field.is_required():
            required.append(name)
    return _Plan(template, tuple(factories), tuple(required))
