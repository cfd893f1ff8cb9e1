"""The combined key-phrase patterns: the lookahead on first characters finds exactly what the
phrases alone find, on every text fixture's label text and on the phrases run together."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.load import load
from extractor.readers.rules import tokens
from extractor.readers.rules.rows import _KEYS, _first_char, layout

FIXTURES = sorted(Path(__file__).parent.parent.joinpath("evals", "fixtures").glob("*/*.txt"))


def _alternation(keys: dict[str, tuple[str, ...]]) -> re.Pattern:
    """The phrases alone: one named group per row, no lookahead."""
    return re.compile("|".join(f"(?P<{name}>{'|'.join(alts)})" for name, alts in keys.items()))


def _found(pattern: re.Pattern, text: str) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in pattern.finditer(text)]


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_lookahead_finds_what_the_phrases_find(template):
    rows = layout(template)
    keys2 = {f"r{i}": _KEYS[d.key] for i, d in enumerate(rows.table2)}
    keys3 = {**{f"r{i}": _KEYS[d.key] for i, d in enumerate(rows.table3)},
             **{f"g{i}": (g.key,) for i, g in enumerate(rows.groups)}}
    texts = [load(p).text for p in FIXTURES]
    streams = ["".join(t.label for line in tokens.lines(text, 0, len(text), False) for t in line.texts)
               for text in texts]
    streams.append("".join(alt.replace("\\", "").replace("[.、)]?", "、").split("(?!")[0]
                           for alts in _KEYS.values() for alt in alts))
    assert rows.pattern2.pattern.startswith("(?=") and rows.pattern3.pattern.startswith("(?=")
    for stream in streams:
        assert _found(rows.pattern2, stream) == _found(_alternation(keys2), stream)
        assert _found(rows.pattern3, stream) == _found(_alternation(keys3), stream)


def test_first_char_only_of_a_literal_start():
    assert _first_char("本年新收") == "本"
    assert _first_char(r"\(七\)总计") == "("
    assert _first_char("3[.、)]?其他") == "3"
    for pattern in (r"\d+", "[一二]项", "(七)", "a?b", "a*b", "a{0,2}b", ".b", ""):
        assert _first_char(pattern) is None
