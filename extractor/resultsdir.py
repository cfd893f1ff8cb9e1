"""The results-folder contract shared by batch runs and the review (docs/results-folder.md).

``DIR/results/<key>.json`` a Result, ``DIR/texts/<key>.txt`` its normalised text, written text
first so a result never points at a text that is not there; ``<key>`` = the first 16 hex
digits of the source sha256. Every write is atomic (temporary name, then ``os.replace``).
"""
from __future__ import annotations

import os
from pathlib import Path

KEY_LEN = 16
TMP_SUFFIX = ".tmp"


def key_of(sha256: str) -> str:
    return sha256[:KEY_LEN]


def write_atomic(path: Path, data: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    with open(tmp, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)


def save_document(root: Path, key: str, text: str, result_json: str) -> None:
    write_atomic(root / "texts" / f"{key}.txt", text)
    write_atomic(root / "results" / f"{key}.json", result_json)
