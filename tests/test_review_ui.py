"""The interactive review driven through Textual's pilot, key by key, as a reviewer would."""
import asyncio
import sqlite3

import pytest

from extractor.review import ResultsFolder, Review, Store
from extractor.review.ui import ReviewApp
from tests.review_kit import fake_check, make_folder

HONGZE = "hongze-2023.pdf"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr("extractor.review.session.check", fake_check)
    return ResultsFolder(make_folder(tmp_path / "batch"))


def drive(folder: ResultsFolder, keys: list[str], reviewer: str = "analyst") -> dict:
    """Open the folder in the app, press ``keys``, and report what was on screen before each."""
    seen, messages = [], []

    async def session():
        with Store(folder.store_path) as store:
            app = ReviewApp(Review(folder, store, reviewer))
            async with app.run_test(size=(110, 40)) as pilot:
                await pilot.pause()
                for key in keys:
                    seen.append((app.entry.name, app.item.cell if app.item else None))
                    messages.append(str(app.query_one("#message").render()))
                    await pilot.press(key)
                    await pilot.pause()
                return {"seen": seen, "messages": messages, "running": app.is_running,
                        "screen": "" if not app.is_running else app.export_screenshot()}

    return asyncio.run(session())


def in_force(folder: ResultsFolder, name: str) -> dict:
    with Store(folder.store_path) as store:
        review = Review(folder, store, "anyone")
        entry = next(e for e in review.entries if e.name == name)
        return {cid: (e.action, e.new, e.reviewer) for cid, e in review.in_force(entry).items()}


def test_accept_correct_missing_quit_and_reopen(folder):
    keys = ["n",                  # to the next document: hongze-2023, whose 表四 does not add up
            "r",                  # p4.review.total: accept the validator's repair 0 → 11
            "a",                  # p4.suit_after_review.total: accept the printed 0
            "c", "0", "enter",    # p4.suit_after_review.upheld: correct 5 → 0
            "m",                  # the first cell missing from 表三: truly missing
            "q"]
    run = drive(folder, keys)
    assert run["seen"][1:6] == [(HONGZE, "p4.review.total"), (HONGZE, "p4.suit_after_review.total"),
                                (HONGZE, "p4.suit_after_review.upheld"), (HONGZE, "p4.suit_after_review.upheld"),
                                (HONGZE, "p4.suit_after_review.upheld")]
    assert run["seen"][6] == (HONGZE, "p3.other.no_correction.natural_person")
    assert not run["running"]

    # What was decided is in the store, with who decided it.
    assert in_force(folder, HONGZE) == {
        "p4.review.total": ("repair", 11, "analyst"),
        "p4.suit_after_review.total": ("accept", 0, "analyst"),
        "p4.suit_after_review.upheld": ("correct", 0, "analyst"),
        "p3.other.no_correction.natural_person": ("missing", None, "analyst"),
    }

    # Reopen: the state is kept, the queue resumes at the first undecided cell, and the
    # corrections cleared the flags of the other cells of both 表四 rules.
    with Store(folder.store_path) as store:
        review = Review(folder, store, "analyst")
        entry = next(e for e in review.entries if e.name == HONGZE)
        queue = [i.cell for i in review.queue(entry)]
        result = review.result(entry)
    assert not any(c.startswith("p4.") for c in queue)
    assert queue[0] == "p3.other.no_correction.commercial"
    assert [f for f in result.findings if f.rule == "H4"] == []
    assert result.cells["p4.review.total"].status == "corrected"
    assert result.cells["p4.review.upheld"].status == "ok"
    first = drive(folder, ["n", "q"])["seen"]
    assert first == [("003_589bf4f08d70f012.txt", "p4.review.upheld"), (HONGZE, "p3.other.no_correction.commercial")]


def test_skip_undo_and_a_bad_correction(folder):
    run = drive(folder, ["s", "right", "a", "u", "c", "1", ".", "5", "enter", "escape", "q"])
    seen = [cell for _, cell in run["seen"]]
    # 003: two 表四 cells skipped, the third accepted as missing-as-read, then undone: back on it.
    assert seen[:5] == ["p4.review.upheld", "p4.review.corrected", "p4.review.other",
                        "p4.review.pending", "p4.review.other"]
    # 1.5 is refused for a count; the box stays open on the same cell, nothing recorded.
    assert seen[5:] == ["p4.review.other"] * 6
    assert "whole number" in run["messages"][-2]  # on screen before Esc
    assert in_force(folder, "003_589bf4f08d70f012.txt") == {}
    with Store(folder.store_path) as store:
        assert [e.action for e in store.events()] == ["accept", "undo"]


def test_undo_after_moving_to_the_next_document(folder):
    drive(folder, ["n", "r", "u", "q"])
    assert in_force(folder, HONGZE) == {}
    run = drive(folder, ["n", "q"])
    assert run["seen"][1] == (HONGZE, "p4.review.total")


def test_the_screen_shows_the_evidence(folder):
    svg = drive(folder, ["n"])["screen"]  # the real screen, as Textual's screenshot (SVG)
    for needle in ("hongze-2023.pdf", "洪泽区人民政府", "行政复议", "总计", "p4.review.total", "维持",
                   "5242–5243", "H4", "expected&#160;11", "proposed&#160;repair:&#160;11", "accept&#160;repair"):
        assert needle in svg, needle


def test_a_failed_write_is_said_and_the_cell_stays(folder, monkeypatch):
    def locked(*args):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("extractor.review.store.Store.record", locked)
    run = drive(folder, ["a", "q"])
    assert "NOT recorded" in drive(folder, ["a", "a"])["messages"][1]
    assert run["seen"] == [("003_589bf4f08d70f012.txt", "p4.review.upheld")] * 2


def test_a_number_key_takes_a_glued_rows_candidate(tmp_path):
    from extractor.cli.main import main
    from tests.test_glued import _ONE_LINE

    (tmp_path / "oneline.txt").write_text(_ONE_LINE, encoding="utf-8")
    assert main(["batch", str(tmp_path / "oneline.txt"), "--out", str(tmp_path / "out")]) == 0
    folder = ResultsFolder(tmp_path / "out")
    entry = folder.entries[0]
    cell = entry.result.cells["p2.normative_documents.issued"]
    assert cell.status == "flagged" and list(cell.readings.values()) in ([1, 12], [12, 1])
    with Store(folder.store_path) as store:
        first = Review(folder, store, "ana").queue(entry)[0].cell
    assert first == "p2.normative_documents.issued"
    out = drive(folder, ["3", "2", "q"])
    assert "no reading 3" in out["messages"][1]
    with Store(folder.store_path) as store:
        decided = Review(folder, store, "ana").in_force(folder.entries[0])
    assert decided[first].new == list(cell.readings.values())[1]
