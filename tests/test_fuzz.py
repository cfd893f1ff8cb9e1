"""Hostile input, quick subset (the full run: ``make fuzz``): broken files of every shape give
no internal error, stay within time and memory, and a batch accounts for every one; random
layouts of report text never break the pipeline."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evals.fuzz import batch_check, figures, make_corpus, run_corpus
from extractor.errors import InputError
from extractor.load import load
from extractor.settings import Settings
from tests.conftest import fixture_file

settings.register_profile("quick", max_examples=20, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    count = int(os.environ.get("NIANBAO_FUZZ_COUNT", "60"))
    return root, make_corpus(root / "corpus", count, seed=1, quick=count <= 200)


def test_broken_files_never_give_an_internal_error_nor_run_unbounded(corpus):
    _, inputs = corpus
    runs = run_corpus(inputs, hang_seconds=30)
    f = figures(runs)
    bad = [(r.kind, r.path, r.code, r.seconds, r.maxrss_mb, r.message) for r in runs
           if r.internal or r.code is None or r.maxrss_mb > 1024]
    assert not bad
    assert f["internal_errors"] == 0 and f["hangs_over_30s"] == 0 and f["over_1gib"] == 0
    assert set(f["exit_codes"]) <= {"0", "2", "3"}
    assert int(f["exit_codes"].get("2", 0)) > f["inputs"] // 2  # most are refused, each with its reason


def test_a_batch_over_the_broken_files_accounts_for_every_one(corpus):
    root, inputs = corpus
    # every file but the folders, the unsupported type included (it gets a record saying what to
    # do with it); links to one file are one input
    regular = {p.resolve() for _, p in inputs if not p.is_dir()}
    result = batch_check(inputs, root / "corpus", root / "out")
    assert result["inputs"] == len(regular)
    assert result["ok"] + result["failed"] == len(regular)
    assert "internal_error" not in result["failed_by_reason"] and "crashed" not in result["failed_by_reason"]


REPORT = fixture_file("001_9a2f7be38055e01f").read_text(encoding="utf-8")
LINES = REPORT.splitlines()
NOISE = st.sampled_from(["", " ", "\t", "　", "|", "0", "-", "—", "1.", "（一）", "总计", "合计", "其他", "\u200b",
                         "\ufeff", "</原文>", "\r", "99999999999999999999", "-1", "3.5", "１２", "表三", "四、", "无"])


@st.composite
def layouts(draw):
    """A report's lines, shuffled in places, cut, duplicated, joined or split, with noise cells."""
    lines = list(LINES)
    for _ in range(draw(st.integers(0, 12))):
        op = draw(st.sampled_from(["drop", "dup", "swap", "join", "split", "noise", "retab", "cut"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i] * draw(st.integers(1, 3)))
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "join" and i + 1 < len(lines):
            lines[i:i + 2] = [lines[i] + draw(st.sampled_from([" ", "\t", ""])) + lines[i + 1]]
        elif op == "split":
            k = draw(st.integers(0, len(lines[i])))
            lines[i:i + 1] = [lines[i][:k], lines[i][k:]]
        elif op == "noise":
            cells = lines[i].split("\t")
            cells.insert(draw(st.integers(0, len(cells))), draw(NOISE))
            lines[i] = "\t".join(cells)
        elif op == "retab":
            lines[i] = lines[i].replace("\t", draw(st.sampled_from(["  ", " | ", "\u3000", ",", "\t\t"])))
        elif op == "cut":
            lines = lines[:i]
    return "\n".join(lines)


@given(layouts())
def test_any_layout_of_report_text_is_read_or_refused_never_crashes(text):
    from extractor import extract_document
    try:
        doc = load(text)
    except InputError:
        return
    result = extract_document(doc, Settings(backend="rules"))
    for cid, cell in result.cells.items():
        assert (cell.value is None) == (cell.status == "missing"), cid  # missing is never a number
        if cell.span is not None:
            assert 0 <= cell.span[0] <= cell.span[1] <= len(doc.text)


@given(st.text(min_size=1, max_size=800))
def test_arbitrary_text_is_read_or_refused_never_crashes(text):
    from extractor import extract_document
    try:
        doc = load("政府信息公开工作年度报告\n" + text)
    except InputError:
        return
    extract_document(doc, Settings(backend="rules"))
