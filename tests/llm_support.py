"""Helpers for the LLM tests: documents, gold-derived readings and answers."""
from __future__ import annotations

import json
from functools import cache

from extractor.load import load
from extractor.parts import split_parts
from extractor.readers import Reading
from extractor.settings import LLMSettings
from schemas import Cell
from schemas.llm import ANSWER_MODELS
from tests.conftest import ENV_AT_START, FIXTURES, fixture_file


@cache
def document(name: str):
    """(Document, parts) of a fixture; loaded once per session (PDFs are slow to load)."""
    doc = load(fixture_file(name))
    return doc, split_parts(doc.text)


def gold(name: str) -> dict:
    return json.loads((FIXTURES / name / "gold.json").read_text(encoding="utf-8"))


def gold_reading(name: str, **changes) -> Reading:
    """A rules reading that equals the gold values (``changes``: cell id → value, None = missing)."""
    values = {**gold(name)["cells"], **{k.replace("__", "."): v for k, v in changes.items()}}
    return Reading({cid: Cell(value=v, status="ok", confidence=0.9, reader="rules") if v is not None
                    else Cell(status="missing", reader="rules") for cid, v in values.items()})


def gold_answer(name: str, part: str, template: str, **overrides) -> dict:
    """The answer JSON a perfect model would give for ``part`` (``overrides``: field → row)."""
    cells = gold(name)["cells"]
    model = ANSWER_MODELS[(part, template)]
    out = {}
    for field, (path, columns) in model.ROWS.items():
        row = [cells[f"{part}.{path}.{c}" if path else f"{part}.{c}"] for c in columns]
        if model.model_fields[field].annotation in (int | None, float | None):
            out[field] = row[0]
        else:
            out[field] = None if model.nullable(field) and all(v is None for v in row) else row
    if "procurement_unit" in model.model_fields:
        out["procurement_unit"] = "万元"
    return {**out, **overrides}


def llm_settings(endpoint, **kw) -> LLMSettings:
    """Settings for the recorded endpoint (the ``endpoint`` fixture of conftest)."""
    wait = float(ENV_AT_START.get("NIANBAO_LLM_TIMEOUT") or 180)  # a slow server while recording
    return LLMSettings(base_url=endpoint["base_url"], model=endpoint["model"],
                       api_key=ENV_AT_START.get("OPENAI_API_KEY") or "sk-test", cache_dir=None,
                       **{"timeout_s": wait, **kw})
