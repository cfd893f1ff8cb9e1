"""``lazy_compile``: a module-level pattern compiled at its first use, then the pattern itself."""
from __future__ import annotations

import re

from extractor.lazy_re import lazy_compile


def test_compiles_at_first_use_and_answers_as_the_pattern():
    text = "2020年\n第2021年"
    lazy, real = lazy_compile(r"^(?P<n>\d{4})年", re.M), re.compile(r"^(?P<n>\d{4})年", re.M)
    assert "search" not in vars(lazy)  # not compiled yet: the first use sets the pattern's names
    assert lazy.search(text).span() == real.search(text).span()  # type: ignore[union-attr]
    assert [m.group("n") for m in lazy.finditer(text)] == ["2020"]
    assert lazy.sub("X", text) == real.sub("X", text) and lazy.findall(text) == real.findall(text)
    assert lazy.fullmatch("2020年") and not lazy.match("x")
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (real.pattern, real.flags, real.groups, real.groupindex)
    assert "search" in vars(lazy)  # later uses reach the compiled method directly


def test_a_bad_pattern_fails_at_its_first_use():
    lazy = lazy_compile("(unclosed")
    try:
        lazy.search("x")
    except re.error:
        pass
    else:
        raise AssertionError("a bad pattern compiled")
