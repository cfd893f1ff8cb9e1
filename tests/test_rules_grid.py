"""The grid stage: a pipe-stream region (HTML flattened cell by cell, pipes around cells) is
re-laid as one pipe row per table row with every offset unchanged, and read like a pipe table."""
import random

import pytest

from evals.synth import generate
from evals.synth.layouts import StreamWriter
from extractor import extract
from extractor.readers.rules import grid

CELL_PIPE = "规章 |\n0 |\n3 |\n12 |\n|\n规范性文件 |\n2 |\n0 |\n83 |\n|\n"
PIPE_LINE = "规章\n|\n0\n|\n3\n|\n12\n|\n|\n规范性文件\n|\n2\n|\n0\n|\n83\n|\n|\n"
ROW_OPEN = "|\n规章 |\n0 |\n3 |\n12 |\n|\n规范性文件 |\n2 |\n0 |\n83 |\n"
INDENTED = "| \n       规章  | \n      \n       0  | \n      \n       3  | \n      \n       12  | \n    \n" \
           "| \n       规范性文件  | \n      \n       2  | \n      \n       0  | \n      \n       83  | \n    \n"


@pytest.mark.parametrize("region", [CELL_PIPE, PIPE_LINE, ROW_OPEN, INDENTED])
def test_a_pipe_stream_is_relaid_row_by_row_with_offsets_kept(region):
    assert grid.layout(region) == grid.STREAM
    out = grid.relay(region)
    assert len(out) == len(region)
    rows = [" ".join(c.strip() for c in line.split("|") if c.strip()) for line in out.split("\n") if line.strip(" |")]
    assert rows == ["规章 0 3 12", "规范性文件 2 0 83"]
    for k, ch in enumerate(region):  # only separators change
        assert out[k] == ch or {ch, out[k]} <= set(" \n\t|")


def test_lone_pipes_after_a_label_are_its_blank_cells_and_fillers_are_not_cells():
    out = grid.relay("信息内容 |\n本年新制作数量 |\n|\n规章 |\n|\n|\n|\n规范性文件 |\n1 |\n2 |\n3 |\n||||\n第二十条 |\n")
    lines = [line.strip() for line in out.split("\n")]
    assert "规章 | | | |" in lines  # three empty cells: blank, never values
    assert any(line.startswith("规范性文件 | 1 | 2 | 3") for line in lines)
    assert lines[-1].startswith("第二十条")  # a row of pipes ends the row before it


def test_ordinary_layouts_are_left_alone():
    for region in ("| 规章 | 0 | 0 | 0 |\n| 规范性文件 | 1 | 2 | 3 |\n", "规章\t0\t0\t0\n", "规章\n\n0\n\n0\n\n0\n"):
        assert grid.layout(region) == grid.LINES


def test_prose_is_never_joined_to_cells():
    region = "二、主动公开政府信息情况\n本单位全年主动公开信息 12 条。\n规章 |\n0 |\n0 |\n0 |\n|\n规范性文件 |\n1 |\n1 |\n1 |\n|\n"
    out = grid.relay(region)
    assert "本单位全年主动公开信息 12 条。" in out.split("\n")


@pytest.mark.parametrize("variant", StreamWriter.VARIANTS)
def test_generated_stream_reports_read_back_exactly(variant, monkeypatch):
    monkeypatch.setattr(random.Random, "choice", _force(variant))
    docs = list(generate(6, 11, layouts=("stream",), features=()))
    assert {d.layout for d in docs} == {"stream"}
    for doc in docs:
        result = extract(doc.data)
        wrong = [cid for cid, v in doc.cells.items()
                 if cid not in doc.ambiguous and result.cells[cid].value != v]
        assert not wrong, (doc.name, wrong[:5])
        for cell in result.cells.values():
            if cell.span is not None:
                assert result_text(doc)[cell.span[0]:cell.span[1]] == cell.raw


def result_text(doc):
    from extractor.load import load
    return load(doc.data).text


def _force(variant):
    original = random.Random.choice

    def choice(self, seq):
        if seq == StreamWriter.VARIANTS:
            return variant
        return original(self, seq)
    return choice
