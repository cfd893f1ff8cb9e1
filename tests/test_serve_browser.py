"""The page in a real headless Chromium (Debian's `chromium`, driven by Playwright's Python API):
upload a sample (and its issuer's next year), see a flagged cell, correct a value with the
keyboard, download cells.xlsx and find the correction in it; then the charts and the
year-over-year view with its broken link.

Skipped only where no Chromium is installed; CI installs it (.ci/run). Set
NIANBAO_SCREENSHOT=PATH to keep a screenshot of the page (make serve-screenshot).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import fixture_file
from serve_kit import Server, next_year_copy, xlsx_detail

CHROMIUM = os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="no Chromium here: apt-get install chromium (CI installs it)")
SAMPLE = fixture_file("003_589bf4f08d70f012")
CELL = "p3.new_received.total"


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    server = Server(tmp_path / "data").start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
                page = context.new_page()
                page.set_default_timeout(60_000)
                page.goto(server.url + "/")
                yield page
            finally:
                browser.close()
    finally:
        server.stop()


def test_upload_review_correct_download(page, tmp_path):
    assert page.title().startswith("年报")
    junk = {"name": "photo.pdf", "mimeType": "application/pdf", "buffer": b"\x89PNG\r\n\x1a\n" + bytes(range(256))}
    page.set_input_files("#files", [junk])
    page.click("#upload")
    page.wait_for_function("document.getElementById('upload-message').textContent.startsWith('上传失败')")
    assert "不是能读取的报告格式" in page.text_content("#upload-message")  # said in Chinese, with the reason
    later = {"name": "next-year.txt", "mimeType": "text/plain",
             "buffer": next_year_copy(SAMPLE.read_text(encoding="utf-8")).encode()}
    first = {"name": SAMPLE.name, "mimeType": "text/plain", "buffer": SAMPLE.read_bytes()}
    page.set_input_files("#files", [first, later])
    page.click("#upload")
    page.wait_for_function("document.getElementById('batch-status').textContent === '完成'")
    page.locator("#documents tbody tr:nth-child(1).ok td").first.click()  # the first file: SAMPLE
    page.wait_for_function(f"document.getElementById('doc-name').textContent === '{SAMPLE.name}'")
    flagged = page.locator("#tables td.needs")
    flagged.first.wait_for()
    assert flagged.count() > 0  # cells that need a person are highlighted
    page.locator(f'#tables td[data-cell="{CELL}"]').click()
    assert CELL in page.text_content("#cell-label")
    assert page.locator("#source mark").count() == 1  # the cell's span is highlighted in the source
    cell = page.locator(f'#tables td[data-cell="{CELL}"]')
    original = cell.text_content()
    _correct(page, "7")
    assert cell.text_content() == "7" and "corrected" in (cell.get_attribute("class") or "")
    page.keyboard.press("u")  # undo brings the value as read back, and the cell on screen
    page.wait_for_function("document.getElementById('decision-message').textContent.includes('undo')")
    assert cell.text_content() == original and "corrected" not in (cell.get_attribute("class") or "")
    assert CELL in page.text_content("#cell-label")
    _correct(page, "7")
    assert cell.text_content() == "7" and "corrected" in (cell.get_attribute("class") or "")
    page.locator("#downloads").wait_for()
    shot = os.environ.get("NIANBAO_SCREENSHOT")
    if shot:
        _keep_screenshot(page, Path(shot))
    with page.expect_download() as download:
        page.click("#dl-xlsx")
    path = tmp_path / "cells.xlsx"
    download.value.save_as(path)
    (row,) = [r for r in xlsx_detail(path.read_bytes(), CELL) if r["文件"] == SAMPLE.name]
    assert (row["数值"], row["状态"], row["审核操作"]) == (7, "已审核", "更正")
    # The charts are drawn (server-side SVG), and the issuer's two years compare side by side.
    for chart in ("#chart-rules", "#chart-apps"):
        page.wait_for_function(f"document.querySelector('{chart}').complete && "
                               f"document.querySelector('{chart}').naturalWidth > 0")
    page.locator("#issuers li").first.click()
    page.locator("#compare-years td.link").first.wait_for()
    assert page.locator("#compare-years h3").count() == 2
    assert "S2" in page.text_content("#compare-links")
    if shot:
        _keep_screenshot(page, Path(shot).with_name(Path(shot).stem + "-charts.png"), "#batch-panel")
        _keep_screenshot(page, Path(shot).with_name(Path(shot).stem + "-years.png"), "#compare-panel", 64)


def _correct(page, value: str) -> None:
    """Type a correction for the selected cell with the keyboard, as a reviewer does."""
    page.evaluate("document.getElementById('decision-message').textContent = ''")
    page.keyboard.press("c")
    page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('decision-message').textContent.startsWith('已保存')")


def _keep_screenshot(page, path: Path, element: str | None = None, colours: int = 128) -> None:
    """The page (or one element of it) as it looks now, in a few colours (a small PNG for the docs)."""
    from PIL import Image

    if element:
        page.locator(element).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path))
    with Image.open(path) as image:
        image.convert("RGB").quantize(colours).save(path, optimize=True)
