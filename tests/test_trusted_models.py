"""The pipeline builds its result models without validation (``Model.build``): what it builds
must be exactly what validation would give — the same values of the same types (a ``list`` span
where the model says ``tuple``, an ``int`` confidence, would pass JSON unnoticed)."""
from __future__ import annotations

import pytest

import extractor
from evals.synth import generate
from extractor.settings import Settings
from schemas import base
from schemas.base import Model
from tests.conftest import FIXTURES

SOURCES = sorted(f for f in FIXTURES.glob("*/*") if f.suffix.lower() in {".txt", ".html", ".docx", ".pdf"})


def differences(built, valid, path: str) -> list[str]:
    if type(built) is not type(valid):
        return [f"{path}: {type(built).__name__} built, {type(valid).__name__} validated"]
    if isinstance(built, (list, tuple)):
        if len(built) != len(valid):
            return [f"{path}: {len(built)} items built, {len(valid)} validated"]
        return [d for i, (b, v) in enumerate(zip(built, valid)) for d in differences(b, v, f"{path}[{i}]")]
    if isinstance(built, dict):
        if built.keys() != valid.keys():
            return [f"{path}: other keys"]
        return [d for k in built for d in differences(built[k], valid[k], f"{path}.{k}")]
    if isinstance(built, Model):
        return [d for k in type(built).model_fields for d in differences(getattr(built, k), getattr(valid, k), f"{path}.{k}")]
    return [] if built == valid else [f"{path}: {built!r} built, {valid!r} validated"]


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """Every model built without validation is validated too, and what differs recorded."""
    found: list[str] = []
    build, build_all = base._build, base._build_all

    def check(cls, values, built):
        valid = cls.model_validate(values)
        found.extend(differences(built, valid, cls.__name__))
        if built.model_fields_set != valid.model_fields_set or list(built.__dict__) != list(valid.__dict__):
            found.append(f"{cls.__name__}: fields set or their order differ")

    def both(cls, plan, values):
        given = dict(values)  # a model may take the dict itself as its fields
        built = build(cls, plan, values)
        check(cls, given, built)
        return built

    def all_both(cls, plan, values, keys):
        keys = list(keys)
        given = {key: dict(values[key]) for key in keys}
        built = build_all(cls, plan, values, keys)
        assert list(built) == keys
        for key in keys:
            check(cls, given[key], built[key])
        return built

    monkeypatch.setattr(base, "_build", both)
    monkeypatch.setattr(base, "_build_all", all_both)
    return found


def test_what_the_pipeline_builds_is_what_validation_gives(checked):
    settings = Settings(backend="rules")
    for source in SOURCES:
        extractor.extract(source, settings)
    for doc in generate(40, seed=3):
        extractor.extract_bytes(doc.data, settings)
    assert not checked, checked[:10]


def test_the_check_sees_a_difference(checked):
    from schemas import Cell

    Cell.build(value=3, status="ok", confidence=1, span=[4, 5])
    assert checked == ["Cell.confidence: int built, float validated", "Cell.span: list built, tuple validated"]


def test_build_refuses_an_unknown_field_and_leaves_defaults_fresh():
    from schemas import Finding

    with pytest.raises(TypeError, match="no field colour"):
        Finding.build(rule="H1", colour="red")
    first, second = Finding.build(rule="H1"), Finding.build(rule="H2")
    first.cells.append("p3.x")
    assert second.cells == [] and first.model_fields_set == {"rule"}


def test_every_field_in_order_is_the_models_own_and_any_other_order_is_filled_in(checked):
    from schemas import Cell

    names = list(Cell.model_fields)
    every = {name: None for name in names} | {"status": "ok", "value": 2, "confidence": 0.5}
    shuffled = {name: every[name] for name in reversed(names)}
    some = {"note": "x", "status": "missing"}
    built = Cell.build_all({"a": every, "b": shuffled, "c": some}, ["c", "a", "b"])
    assert list(built) == ["c", "a", "b"]
    assert built["a"].__dict__ is every and built["a"].model_fields_set == set(names)
    assert built["b"].__dict__ is not shuffled and list(built["b"].__dict__) == names
    assert built["b"] == built["a"] and built["c"].model_fields_set == {"note", "status"}
    built["a"].note = "y"  # a field set afterwards stays the model's own
    assert built["a"].model_fields_set is not Cell.build_all({"d": dict(every)})["d"].model_fields_set
    assert not checked, checked
