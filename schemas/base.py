"""The base of the models a text extract builds: schemas built on first use, trusted data built fast.

The pipeline builds these models from data it made itself, with :meth:`Model.build` (no
validation), so a ``nianbao extract`` that validates nothing never builds a pydantic schema
(the result models' schemas cost ~125M instructions at import) nor loads pydantic's plugin
lookup (``importlib.metadata``, email, zipfile …).
Validating (a user's ``Settings``, ``Result.model_validate_json``) and ``model_dump_json`` build
it then, once. ``tests/test_trusted_models.py`` checks that what is built equals what validation
gives, values and types.

Values that name every field in the model's order are taken as the model's ``__dict__``
itself: no copy, no defaults to fill in (the rules reader writes its cells so, ~0.6 µs a cell).
Other values go into a copy of the defaults.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from functools import cache, partial
from typing import Any, NamedTuple, Self, TypeVar

from pydantic import BaseModel, ConfigDict

_new = object.__new__
# BaseModel's slots, set as model_construct sets them (not through BaseModel.__setattr__);
# their own descriptors are quicker than object.__setattr__'s look-up by name.
_slots = vars(BaseModel)
_set_fields = _slots["__dict__"].__set__
_set_fields_set = _slots["__pydantic_fields_set__"].__set__
_set_extra = _slots["__pydantic_extra__"].__set__
_set_private = _slots["__pydantic_private__"].__set__
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
    def build_all(cls, values: dict[str, dict[str, Any]], keys: Iterable[str] | None = None) -> dict[str, Self]:
        """``{key: model}`` of many models' fields at once (a reading's cells), in the order of
        ``keys`` (``values``'s own by default). A dict of every field in order becomes its model's
        own ``__dict__``: give each dict once, and leave it to its model."""
        return _build_all(cls, _plan(cls), values, values if keys is None else keys)


class _Plan(NamedTuple):
    template: dict[str, Any]  # every field, in order, with its default (a placeholder for the others)
    factories: tuple[tuple[str, Callable[[], Any]], ...]  # fields whose default is made anew
    required: tuple[str, ...]
    names: list[str]  # every field, in order
    every: set[str]  # the fields set when every field is given


def _build(cls: type[M], plan: _Plan, values: dict[str, Any]) -> M:
    model = _new(cls)
    if len(values) == len(plan.names) and list(values) == plan.names:
        _set_fields(model, values)  # every field, in order: the values are the model's own
        _set_fields_set(model, plan.every.copy())
    else:
        _set_fields(model, _filled(cls, plan, values))
        _set_fields_set(model, set(values))
    _set_extra(model, None)
    _set_private(model, None)
    return model


def _build_all(cls: type[M], plan: _Plan, values: dict[str, dict[str, Any]], keys: Iterable[str]) -> dict[str, M]:
    """``_build`` of each of ``keys``'s values (a reading's ~200 cells)."""
    return {key: _build(cls, plan, values[key]) for key in keys}


def _filled(cls: type[Model], plan: _Plan, values: dict[str, Any]) -> dict[str, Any]:
    """Every field in order: ``values``, and the defaults of the others."""
    fields = plan.template.copy()  # updating keeps the order
    fields.update(values)
    if len(fields) != len(plan.template):
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(values.keys() - plan.template.keys()))}")
    for name, factory in plan.factories:
        if name not in values:
            fields[name] = factory()
    for name in plan.required:
        if name not in values:
            raise TypeError(f"{cls.__name__}: {name} is required")
    return fields


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
    return _Plan(template, tuple(factories), tuple(required), list(template), set(template))
