"""The OCR path: word boxes → layout text the rules reader reads, the map back, the confidence fold.

Unit tests build recognised words by hand (no model). The model tests read a cropped, turned
and blurred piece of a real 表三 (a second or two) with the network blocked: the pinned
rapidocr wheel must carry its own models.
"""
from __future__ import annotations

import socket

import pytest

from extractor.errors import ConfigError, NoTextLayer
from extractor.load import load, sniff
from extractor.ocr.confidence import fold
from extractor.ocr.placed import Placed, words_in
from schemas import Cell
from tests.conftest import blank_pdf, fixture_file

np = pytest.importorskip("numpy")
pytest.importorskip("rapidocr_onnxruntime")
from extractor.ocr.detect import Box  # noqa: E402  (needs the ocr extra)
from extractor.ocr.layout import render  # noqa: E402
from extractor.ocr.page import PageRead, Word  # noqa: E402

EM = 20.0


def _page(rows: list[list[tuple[str, int]]], conf: float = 0.99, index: int = 0) -> PageRead:
    """Words at (text, x) on rows 3 em apart."""
    words = []
    for r, row in enumerate(rows):
        y = 100 + int(r * 3 * EM)
        for text, x in row:
            width = sum(EM if ord(c) >= 0x2E80 else EM / 2 for c in text)  # CJK full width, digits half
            words.append(Word(text, conf, Box(x, y, x + int(width), y + int(EM))))
    return PageRead(index, words, EM, 0.0, 1.0, (1600, 2300))


def test_rows_and_columns_follow_positions():
    page = _page([[("一、本年新收政府信息公开申请数量", 200), ("12", 700), ("0", 820), ("1", 940), ("13", 1060)],
                  [("二、上年结转政府信息公开申请数量", 200), ("3", 720), ("5", 1070)]])
    text, words = render([page])
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert lines[0].split() == ["一、本年新收政府信息公开申请数量", "12", "0", "1", "13"]
    assert lines[1].split() == ["二、上年结转政府信息公开申请数量", "3", "5"]
    # a value stands under the value of the row above that has the same x: columns line up
    assert lines[1].index("5") == lines[0].index("13") + 1
    for w in words:
        assert text[w.start:w.end] in {"一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
                                       "12", "0", "1", "13", "3", "5"}


def test_a_words_span_leads_back_to_its_page_and_box():
    text, words = render([_page([[("标题", 100)]]), _page([[("行政复议", 200), ("7", 700)]], index=1)])
    at = text.index("7")
    (hit,) = words_in(tuple(words), (at, at + 1))
    assert hit.page == 1 and hit.box[0] == 700 and text[hit.start:hit.end] == "7"


@pytest.mark.parametrize(("row", "expected"), [
    ([("合计", 200), ("1O", 700), ("5", 820), ("l2", 940)], ["合计", "10", "5", "12"]),  # digits beside look-alikes
    ([("合计", 200), ("O", 700), ("4", 820), ("7", 940)], ["合计", "0", "4", "7"]),  # a lone O in a row of numbers
    ([("Office", 200), ("IO", 700)], ["Office", "IO"]),  # no digit, no row of numbers: left as read
    ([("(—)予以公开", 200)], ["(一)予以公开"]),  # (一) read with a dash
    ([("1-", 200), ("总体情况", 235)], ["一、总体情况"]),  # 一、 read as 1- before a heading
    ([("1-", 200), ("5", 700)], ["1-", "5"]),  # not before numbers
    ([("１２３", 700), ("４", 820)], ["123", "4"]),  # full-width digits
    ([("合计", 200), ("3", 700), ("一", 820), ("5", 940)], ["合计", "3", "-", "5"]),  # a blank cell's dash
    ([("一", 200), ("3", 700), ("5", 940)], ["一", "3", "5"]),  # but not a label's 一 left of the values
])
def test_digit_lookalikes_resolved_by_position_only(row, expected):
    text, words = render([_page([row])])
    assert text.split() == expected


def test_mapped_lookalikes_lower_the_confidence():
    text, words = render([_page([[("合计", 200), ("1O", 700), ("15", 820)]])])
    conf = {text[w.start:w.end]: w.conf for w in words}
    assert conf["10"] < conf["15"]


def test_confidence_folds_into_cells():
    words = (Placed(10, 12, 0, (1, 2, 3, 4), 0.99), Placed(20, 21, 2, (5, 6, 7, 8), 0.5))
    cells = {"a": Cell(value=12, status="ok", confidence=0.97, span=(10, 12), reader="rules"),
             "b": Cell(value=3, status="ok", confidence=0.97, span=(20, 21), reader="rules"),
             "c": Cell(status="missing", reader="rules")}
    out = fold(cells, words)
    assert out["a"].status == "ok" and out["a"].confidence == 0.97
    assert out["b"].status == "flagged" and out["b"].confidence == 0.5 and "第 3 页" in out["b"].note
    assert out["c"] == cells["c"]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network blocked in this test")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _table_crop():
    """Rows 二 … （二）1 of szfgs2024's 表三, as a slightly turned, blurred grey scan at 200 dpi."""
    from PIL import ImageFilter

    from extractor.ocr import raster
    page = raster.pdf_page(fixture_file("szfgs2024").read_bytes(), 3)
    from PIL import Image
    image = Image.fromarray(page[1340:1640, 180:1450]).rotate(0.7, resample=3, fillcolor=255)
    return np.array(image.filter(ImageFilter.GaussianBlur(0.6)))


def test_reads_a_scanned_table_image_offline(tmp_path, no_network):
    from PIL import Image
    png = tmp_path / "table.png"
    Image.fromarray(_table_crop()).save(png)
    assert sniff(png.read_bytes()) == "image"
    doc = load(png, ocr_jobs=1)
    assert doc.source.format == "image" and "政府信息公开" in doc.text
    rows = [[t for t in ln.split() if t.isdigit()] for ln in doc.text.splitlines()]
    assert [r for r in rows if len(r) >= 5] == [
        ["34", "0", "0", "0", "0", "0", "34"], ["1288", "21", "0", "0", "50", "3", "1362"],
        ["447", "7", "0", "0", "0", "0", "454"], ["2", "0", "0", "0", "0", "0", "2"]]
    at = doc.text.index("1288")
    (word,) = words_in(doc.ocr, (at, at + 4))
    assert word.page == 0 and doc.text[word.start:word.end] == "1288"
    x0, y0, x1, y1 = word.box  # the box in the image's own pixels, where 1288 is printed
    assert 500 < x0 < x1 < 650 and 60 < y0 < y1 < 140


def test_ocr_never_keeps_refusing_scans(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(NoTextLayer, match="--ocr auto"):
        load(path, ocr="never")


def test_blank_scan_says_ocr_found_nothing(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(NoTextLayer, match="OCR found no text"):
        load(path)


def test_without_the_extra_a_one_line_install_hint(tmp_path, monkeypatch):
    import extractor.ocr
    monkeypatch.setattr(extractor.ocr, "available", lambda: False)
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(ConfigError, match=r"pip install 'nianbao\[ocr\]'") as info:
        load(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("flag", "needle"), [("never", "--ocr auto"), ("auto", "OCR found no text")])
def test_cli_scan_errors_are_one_line_exit_2(tmp_path, flag, needle):
    import subprocess
    import sys
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    proc = subprocess.run([sys.executable, "-m", "extractor.cli.main", "extract", str(path), "--ocr", flag],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and needle in proc.stderr
    assert "Traceback" not in proc.stderr


def _sheet():
    """A white page with a ruled 2×3 table, a 'word' of ink blobs in each cell, text-like rows above."""
    import cv2
    img = np.full((900, 1200), 255, np.uint8)
    for y in range(100, 400, 60):  # rows of 'characters' 20 px high, 4 px apart
        for x in range(100, 900, 24):
            cv2.rectangle(img, (x, y), (x + 19, y + 19), 0, 2)
    for y in (500, 600, 700):
        cv2.line(img, (100, y), (1100, y), 0, 2)
    for x in (100, 500, 800, 1100):
        cv2.line(img, (x, 500), (x, 700), 0, 2)
    for y in (540, 640):
        for x in (460, 520, 1060):  # blobs each side of the rule at x=500 (and one at the right edge)
            cv2.rectangle(img, (x, y), (x + 12, y + 19), 0, -1)
    return img


def test_detect_never_joins_across_a_column_rule_and_drops_specks():
    import cv2

    from extractor.ocr import detect
    img = _sheet()
    img[820:823, 300:303] = 0  # a speck of dust
    cv2.rectangle(img, (900, 720), (1000, 890), 0, -1)  # a seal-sized blot
    _, boxes, em, angle = detect.find(img)
    assert 15 <= em <= 25 and angle == 0
    in_table = [b for b in boxes if b.y0 >= 500 and b.y1 <= 700]
    assert len(in_table) == 6  # 460 and 520 are two boxes: the rule at x=500 stands between them
    assert all(not (b.x0 < 500 < b.x1) for b in in_table)
    assert not [b for b in boxes if b.y0 > 700]  # neither the speck nor the blot is a word


@pytest.mark.parametrize("turn", [-1.5, 0.8])
def test_detect_finds_the_skew(turn):
    from extractor.ocr import detect
    turned = detect.rotate(_sheet(), -turn)
    assert abs(detect.skew_angle(detect.binarise(turned)) - turn) <= 0.15


def test_a_heading_parted_after_its_numeral_stays_one_phrase():
    page = _page([[("四、", 200), ("政府信息公开行政复议、", 255), ("行政诉讼情况", 490)],
                  [("合计", 200), ("12", 260), ("3", 300)]])
    text, words = render([page])
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert lines[0] == "四、政府信息公开行政复议、行政诉讼情况"
    assert lines[1].split() == ["合计", "12", "3"]  # numbers stay apart, at their columns
    assert [text[w.start:w.end] for w in words][:3] == ["四、", "政府信息公开行政复议、", "行政诉讼情况"]
