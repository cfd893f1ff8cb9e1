"""Synthetic annual reports with exactly known truth, in every layout real reports come in.

    from evals.synth import generate
    for doc in generate(1000, seed=0):
        result = extract_bytes(doc.data)    # the same public API users call
        doc.cells                           # {cell id: value-or-None}: the exact truth

Each document has a title (「XX镇人民政府 2020 年政府信息公开工作年度报告」), the six parts with
narrative filler, and the tables of its template rendered in one layout (:data:`LAYOUTS`),
with random defects (:data:`FEATURES`): blank cells, rows short of a value, OCR noise lines,
truncation, a hybrid （六） row, heading variants. Some also wear a dress (:data:`DRESSES`,
``evals/synth/dress.py``): traditional characters, pinyin glosses, or a page as a fragment, a
JS string or entity-escaped text. Documents are reproducible: document ``i`` of a seed is the
same whatever ``count`` is.
"""
from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator, Sequence

from evals.synth import dress
from evals.synth.document import FEATURES, SynthDoc, make_doc
from evals.synth.layouts import LAYOUTS
from evals.synth.truth import hard_breaks

DRESSES = dress.DRESSES

__all__ = ["DRESSES", "FEATURES", "LAYOUTS", "SynthDoc", "generate", "hard_breaks"]


def generate(count: int, seed: int = 0, *, templates: Sequence[str] = ("2019", "2021"),
             layouts: Sequence[str] | None = None, inject_error: bool = False,
             features: Sequence[str] | None = None) -> Iterator[SynthDoc]:
    """``count`` reports; ``features=None`` draws defects and dresses at random, ``()`` gives clean
    documents, names from :data:`FEATURES` and :data:`DRESSES` ask for exactly those."""
    chosen = tuple(layouts or LAYOUTS)
    unknown = ([x for x in chosen if x not in LAYOUTS] + [x for x in features or () if x not in FEATURES and x not in DRESSES]
               + [x for x in templates if x not in ("2019", "2021")])
    if unknown or not templates:
        raise ValueError(f"unknown layout, feature or template: {', '.join(unknown) or 'no template'}")
    for i in range(count):
        rng = random.Random(f"nianbao-synth:{seed}:{i}")  # str seeds hash with sha512: stable across runs
        doc = make_doc(f"synth-{seed}-{i:05d}", rng, rng.choice(tuple(templates)), rng.choice(chosen),
                       inject_error, None if features is None else tuple(features))
        yield _dressed(doc, random.Random(f"nianbao-synth-dress:{seed}:{i}"), features)


def _dressed(doc: SynthDoc, rng: random.Random, features: Sequence[str] | None) -> SynthDoc:
    if features is None:
        names = dress.dress_names(rng, doc.layout)
    else:
        names = tuple(n for n in DRESSES if n in features and (doc.layout == "html" or n not in dress.MARKUP))
    if not names:
        return doc
    markup = any(n in dress.MARKUP for n in names)
    return dataclasses.replace(doc, text=dress.apply(doc.text, names, rng), features=doc.features + names,
                               suffix=".txt" if markup else doc.suffix)
