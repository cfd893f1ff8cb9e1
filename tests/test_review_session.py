"""Decisions applied to results, re-validation, the queue's order and the cell panel."""
import pytest
from rich.console import Console

from extractor.errors import InputError
from extractor.review import Decision, ResultsFolder, Review, Store, apply_decisions, revalidate
from extractor.review.queue import Item, build
from extractor.review.session import parse_value, unvalidated
from extractor.review.view import cell_panel
from schemas import Cell, Finding, Meta, PartInfo, Provenance, Repair, Result, Source, cell_ids, specs
from tests.review_kit import fake_check, make_folder

P4 = [c for c in cell_ids("2021") if c.startswith("p4.")]


def result(values: dict, **cells) -> Result:
    """A 2021 result with 表四 filled from ``values`` (ok, 0.95) and other cells missing."""
    out = {cid: Cell() for cid in cell_ids("2021")}
    for cid, v in values.items():
        out[cid] = Cell(value=v, status="ok", confidence=0.95, reader="rules")
    out.update(cells)
    return Result(source=Source(sha256="0" * 64, format="txt"), meta=Meta(template="2021"),
                  parts={f"p{i}": PartInfo(status="present") for i in range(1, 7)}, cells=out,
                  provenance=Provenance(nianbao="test", backend="rules"))


def table4(review=(10, 1, 0, 0, 0), direct=(0,) * 5, after=(5, 0, 0, 0, 0)) -> dict:
    return dict(zip(P4, (*review, *direct, *after)))


def test_apply_decisions_marks_corrected_and_keeps_what_was_read():
    base = result(table4())
    done = apply_decisions(base, {"p4.review.total": Decision("repair", 11),
                                  "p4.review.upheld": Decision("accept", 10),
                                  "p4.review.other": Decision("missing", None)})
    total = done.cells["p4.review.total"]
    assert (total.value, total.status, total.reader, total.confidence, total.readings) == (
        11, "corrected", "review", 1.0, {"rules": 0})
    assert done.cells["p4.review.upheld"].status == "corrected"
    assert (done.cells["p4.review.other"].value, done.cells["p4.review.other"].status) == (None, "missing")
    assert base.cells["p4.review.total"].value == 0  # the original is never changed
    assert done.cells["p4.review.pending"] == base.cells["p4.review.pending"]


def test_revalidation_starts_from_the_original_so_a_correction_clears_flags(monkeypatch):
    monkeypatch.setattr("extractor.review.session.check", fake_check)
    original = fake_check(result(table4()))
    assert {f.check for f in original.findings} == {"p4.review.total", "p4.suit_after_review.total"}
    assert original.cells["p4.review.upheld"].status == "flagged"
    fixed = revalidate(original, {"p4.review.total": Decision("repair", 11)}, "")
    assert [f.check for f in fixed.findings] == ["p4.suit_after_review.total"]  # no stale duplicate
    assert fixed.cells["p4.review.upheld"].status == "ok"
    assert fixed.cells["p4.suit_after_review.upheld"].status == "flagged"
    # A reviewer who confirms the printed total keeps the rule broken, and their word stands.
    kept = revalidate(original, {"p4.review.total": Decision("accept", 0)}, "")
    assert kept.cells["p4.review.total"].status == "corrected"
    assert "p4.review.total" in {f.check for f in kept.findings}


def test_unvalidated_keeps_flags_of_readers_that_disagree():
    disagree = Cell(value=1, status="flagged", confidence=0.4, readings={"rules": 1, "llm": 10})
    r = result(table4(), **{"p4.review.upheld": disagree})
    r = r.model_copy(update={"findings": [
        Finding(rule="H4", severity="error", cells=["p4.review.upheld", "p4.review.total"]),
        Finding(rule="STRUCTURE", severity="warning", message="part 四 heading variant")]})
    r.cells["p4.review.total"] = r.cells["p4.review.total"].model_copy(update={"status": "flagged"})
    bare = unvalidated(r)
    assert [f.rule for f in bare.findings] == ["STRUCTURE"]
    assert bare.cells["p4.review.upheld"].status == "flagged" and bare.cells["p4.review.total"].status == "ok"


def test_queue_order_repair_then_broken_rules_then_confidence():
    low = Cell(value=3, status="ok", confidence=0.3, reader="rules")
    lower = Cell(value=4, status="flagged", confidence=0.1, reader="rules")
    r = result(table4(), **{"p3.new_received.total": low, "p2.fees.amount": lower})
    r = r.model_copy(update={"findings": [
        Finding(rule="H4", severity="error", cells=P4[:5], repair=Repair(cell="p4.review.total", value=11)),
        Finding(rule="H1", severity="error", cells=["p4.review.upheld", "p4.review.corrected"]),
        Finding(rule="H4", severity="error", cells=P4[10:], repair=Repair(cell="p4.suit_after_review.total",
                                                                           value=5)),
        Finding(rule="N5", severity="warning", cells=["p4.suit_direct.total"]),
    ]})
    queue = build(r)
    assert [i.cell for i in queue[:4]] == ["p4.review.total", "p4.suit_after_review.total",
                                           "p4.review.upheld", "p4.review.corrected"]
    assert (queue[0].repairs, queue[0].broken, queue[2].broken) == (1, 1, 2)
    rest = [i.cell for i in queue[4:]]
    assert rest[-2:] == ["p2.fees.amount", "p3.new_received.total"]  # then by confidence
    assert "p4.suit_direct.total" not in rest  # a warning alone does not need a person
    assert [i.reasons for i in queue[4:10]] == [("broken-rule",)] * 6  # the rest of the two 表四 rules
    # The 174 gaps of 表三 (it holds one value here) have confidence 0: before the two. The other
    # 表二 sub-tables hold no value, so their cells are not gaps (收费 is a one-cell sub-table).
    assert {i.reasons for i in queue[10:-2]} == {("missing",)} and len(queue[10:-2]) == 175 - 1
    assert "p4.review.total" not in {i.cell for i in build(r, decided={"p4.review.total"})}


def test_missing_cells_only_in_tables_that_are_otherwise_there():
    r = result(table4(), **{"p3.new_received.total": Cell(value=3, status="ok", confidence=0.99)})
    missing = {i.cell for i in build(r) if i.reasons == ("missing",)}
    p3 = {c for c in cell_ids("2021") if c.startswith("p3.")}
    assert missing == p3 - {"p3.new_received.total"}
    absent = r.model_copy(update={"parts": {**r.parts, "p3": PartInfo(status="missing")}})
    assert not [i for i in build(absent) if i.reasons == ("missing",)]


@pytest.mark.parametrize(("text", "cell", "value"), [
    ("11", "p4.review.total", 11), (" 1,234 ", "p3.new_received.total", 1234), ("308.7万元", "p2.fees.amount", 308.7),
    ("-3", "p2.licensing.items_change", -3), ("-3", "p2.licensing.decisions", "cannot be negative"),
    ("2.5", "p4.review.total", "whole number"), ("abc", "p4.review.total", "not a number"),
    ("nan", "p4.review.total", "not a number"),
])
def test_parse_value(text, cell, value):
    spec = specs("2021").get(cell) or specs("2019")[cell]
    if isinstance(value, str):
        with pytest.raises(InputError, match=value):
            parse_value(text, spec)
    else:
        assert parse_value(text, spec) == value


def test_panel_shows_labels_readings_highlighted_span_rules_and_repair(tmp_path, monkeypatch):
    monkeypatch.setattr("extractor.review.session.check", fake_check)
    folder = ResultsFolder(make_folder(tmp_path / "b", samples=("hongze-2023",)))
    with Store(folder.store_path) as store:
        review = Review(folder, store, "ana")
        entry = folder.entries[0]
        item = review.queue(entry)[0]
        panel = cell_panel(review, entry, item)
        console = Console(width=120, record=True, color_system=None)
        console.print(panel)
        screen = console.export_text()
        assert "行政复议  ×  总计" in screen and "p4.review.total" in screen
        assert "10   1   0   0   0   0   0   0   0   0   5   0   0   0   0" in screen
        assert "✗ broken" in screen and "H4" in screen and "proposed repair: 11" in screen
        start, end = entry.result.cells["p4.review.total"].span
        highlighted = [s for s in panel.spans if "reverse" in str(s.style)]
        assert [panel.plain[s.start:s.end] for s in highlighted] == [entry.text[start:end]] == ["0"]
        review.decide(entry, "p4.review.total", "repair")
        assert "p4.review.upheld" not in {i.cell for i in review.queue(entry)}
        upheld = cell_panel(review, entry, Item("p4.review.upheld", (), 0, 0, 0.95))
        assert "✓ holds now" in upheld.plain and "✗" not in upheld.plain
