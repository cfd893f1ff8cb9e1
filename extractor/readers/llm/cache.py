"""On-disk answer cache: a re-run of the same part costs zero tokens and zero HTTP.

The key is (model, prompt version, answer-schema version, hash of the text sent). Output
the model gave that stayed unusable after the re-asks is kept too, with the reason. The
schema version is a hash of the answer model's JSON schema, so changing a model or a
description can never serve an answer made for the old one. Each entry is a small JSON file
with the validated answer and the usage it cost when it was made.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from schemas import Usage


@cache
def schema_version(answer_model: type[BaseModel]) -> str:
    schema = json.dumps(answer_model.model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(schema.encode()).hexdigest()[:12]


def cache_key(model: str, prompt_ref: str, answer_model: type[BaseModel], text: str) -> str:
    text_hash = hashlib.sha256(text.encode()).hexdigest()
    raw = "\n".join((model, prompt_ref, schema_version(answer_model), text_hash))
    return hashlib.sha256(raw.encode()).hexdigest()


class AnswerCache:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        """The entry: ``answer`` (JSON), ``usage``, and what ``put`` was told about it."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return entry if isinstance(entry, dict) and {"answer", "usage"} <= entry.keys() else None

    def put(self, key: str, answer: BaseModel | None, usage: Usage, **about: str | None) -> None:
        """Keep an answer, or (``answer`` None, ``unusable`` in ``about``) why the model's output
        could not be used: a replay then fails the same way, without asking again."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {**about, "answer": answer.model_dump(mode="json") if answer is not None else None,
                 "usage": usage.model_dump(mode="json")}
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)  # atomic: parallel batch runs never read half a file
