"""Eval cases: a document to extract and the truth to score it against.

Two sources: the hand-labelled fixtures (``evals/fixtures/<name>/gold.json`` beside the
source file) and synthetic reports (:mod:`evals.synth`), whose truth is exact.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import InputError

Value = int | float | None
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(__file__).resolve().parent / "corpus"
# The layout class of a corpus report, from the trap its file name records (SOURCES.tsv), first
# match wins: accuracy is reported per class, the unit a fix is made for.
_CLASSES = (
    ("traditional", "traditional"), ("glued", "glued"), ("oneline", "one-line"),
    ("narrative", "narrative-only"), ("tables-missing", "narrative-only"), ("meta", "narrative-only"),
    ("nonstdheadings", "narrative-only"), ("issuerconfusion", "narrative-only"), ("indented.", "narrative-only"),
    ("docx2text", "docx-text"), ("pdf2md", "pdf-to-markdown"), ("jxx-civil-affairs", "pipe-stream"), ("oldtemplate", "pipes"),
    ("yearinheader", "pipes"), ("spamname", "pipes"), ("textdeltas", "pipes"),
    ("cellperpara", "cell-per-paragraph"), ("cellperline", "pipe-stream"), ("pipelines", "pipe-stream"),
    ("indentedcells", "pipe-stream"), ("itemvariant", "pipe-stream"), ("splitsubrows", "pipe-stream"),
    ("backslash", "pipe-stream"), ("signed", "pipe-stream"), ("annotated", "pipes"), ("mdpipes", "markdown"),
    ("pipewall", "pipe-wall"), ("pipemeta", "pipes"), ("pipes", "pipes"), ("spaced", "space-separated"),
)
HARD_RULES = frozenset({"H1", "H2", "H3", "H4"})


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    source: Path | bytes  # what ``extractor.extract`` is given, exactly as a user would
    cells: dict[str, Value]  # every id of the gold template: value, or None when not in the document
    ambiguous: frozenset[str] = frozenset()
    meta: dict[str, Value | str] = field(default_factory=dict)  # issuer, year, template
    findings: tuple[dict, ...] = ()  # {"rule", "cells", "note"} the validator should report
    # Rules our findings are judged on for precision; None = all. Synthetic truth only knows the
    # hard rules it broke, so a structural finding there is neither right nor wrong.
    precision_rules: frozenset[str] | None = None
    tags: dict[str, str | tuple[str, ...]] = field(default_factory=dict)  # groups for the report


def load_fixtures(root: Path = FIXTURES) -> list[Case]:
    """Every ``<root>/<name>/gold.json`` with its source document, in name order; or, for a
    corpus folder (``gold/*.json`` naming files in ``raw/``), :func:`load_corpus`."""
    if not root.is_dir():
        raise InputError(f"{root}: no such fixtures folder")
    if (root / "gold").is_dir() and (root / "raw").is_dir():
        return load_corpus(root)
    cases = []
    for gold_path in sorted(root.glob("*/gold.json")):
        gold, source, meta, cells = _gold(gold_path, gold_path.parent, "document")
        cases.append(Case(
            name=gold_path.parent.name, source=source, cells=cells,
            ambiguous=frozenset(gold.get("ambiguous", ())), meta=meta,
            findings=tuple(gold.get("findings", ())),
            tags={"template": str(meta.get("template"))},
        ))
    if not cases:
        raise InputError(f"{root}: no <name>/gold.json fixtures found")
    return cases


def load_corpus(root: Path = CORPUS) -> list[Case]:
    """A corpus of real reports: ``raw/<file>`` with ``gold/<stem>.json`` ({"file", "meta",
    "cells", "ambiguous"}), each tagged with its layout class."""
    cases = []
    for gold_path in sorted((root / "gold").glob("*.json")):
        gold, source, meta, cells = _gold(gold_path, root / "raw", "file")
        cases.append(Case(
            name=source.stem, source=source, cells=cells, ambiguous=frozenset(gold.get("ambiguous", ())),
            meta=meta, tags={"template": str(meta.get("template")), "layout": layout_class(source.name)},
            precision_rules=frozenset(),  # the corpus gold labels cells, not findings
        ))
    if not cases:
        raise InputError(f"{root}: no gold/*.json files found")
    return cases


def _gold(gold_path: Path, folder: Path, key: str) -> tuple[dict, Path, dict, dict]:
    """A gold file read and checked: (gold, its document ``folder / gold[key]``, meta, cells)."""
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        source = folder / gold[key]
        meta, cells = gold["meta"], gold["cells"]
    except (ValueError, KeyError) as e:
        raise InputError(f"{gold_path}: not a gold file ({type(e).__name__}: {e})") from None
    if not source.is_file():
        raise InputError(f"{gold_path}: its document {source.name} is missing")
    return gold, source, meta, cells


def layout_class(name: str) -> str:
    """The layout class a corpus file name records (``…-2019-cellperline.txt`` → pipe-stream)."""
    for word, cls in _CLASSES:
        if word in name:
            return cls
    return "other"


def synth_cases(count: int, seed: int = 0, *, inject_error: bool = False) -> Iterator[Case]:
    """Generated reports; with ``inject_error`` each carries one broken hard rule to be found."""
    from evals.synth import generate  # the generator is only needed for synthetic runs

    for doc in generate(count, seed, inject_error=inject_error):
        findings: tuple[dict, ...] = ()
        if doc.injected:
            findings = tuple({"rule": rule, "cells": [doc.injected["cell"]], "note": "injected"}
                             for rule in doc.injected["rules"])
        yield Case(
            name=doc.name, source=doc.data, cells=doc.cells, ambiguous=frozenset(doc.ambiguous),
            meta={"issuer": doc.issuer, "year": doc.year, "template": doc.template},
            findings=findings, precision_rules=HARD_RULES,
            tags={"layout": doc.layout, "feature": doc.features or ("none",), "template": doc.template,
                  "profile": doc.profile},
        )
