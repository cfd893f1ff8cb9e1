"""`nianbao serve` safety: limits, sniffing, generated names, zips, the token, no CORS, concurrency."""
from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import SAMPLES, blank_pdf
from serve_kit import client, files, wait_done, zip_of

from extractor.serve.config import ServeConfig
from extractor.serve.uploads import sniff

REPORT = SAMPLES[0].read_bytes()


@pytest.mark.parametrize("data, fmt", [
    (b"%PDF-1.4\n...", "pdf"), (REPORT, "txt"), (REPORT.decode().encode("gb18030"), "txt"),
    (b"<!DOCTYPE html><html><body><table></table></body></html>", "html"),
    (zip_of({"word/document.xml": b"<w:document/>"}), "docx"), (zip_of({"a.txt": REPORT}), "zip"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, None), (b"\x00\x01\x02" * 500, None),
    (b"PK\x03\x04 not really a zip", None), (bytes([0xD0, 0xCF, 0x11, 0xE0]) + bytes(2000), None),
])
def test_sniffing_reads_the_bytes_not_the_name(data, fmt):
    assert sniff(data) == fmt


@pytest.mark.parametrize("name, data, status", [
    ("report.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, 415),  # an image named .pdf
    ("report.txt", b"", 400),
    ("report.txt", b"   \n\t ", 400),
    ("report.doc", bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(4000), 415),  # Word 97
    ("notes.txt", "这是一段与年报无关的文字。".encode() * 20, 422),  # text, not a report
    ("scan.pdf", blank_pdf(), 422),  # no text layer
])
def test_junk_uploads_get_4xx(tmp_path, name, data, status):
    with client(tmp_path) as c:
        r = c.post("/v1/documents", files={"file": (name, data)})
        assert r.status_code == status, r.text
        assert isinstance(r.json()["detail"], str) and "\n" not in r.json()["detail"]
        if status != 422:  # 422 is extraction's verdict; the others never reach a batch either
            assert c.post("/v1/batches", files=[("files", (name, data))]).status_code == status


def test_upload_size_limit(tmp_path):
    with client(tmp_path, max_upload_bytes=4096) as c:
        r = c.post("/v1/documents", files={"file": ("big.txt", REPORT + b" " * 5000)})
        assert r.status_code == 413
        assert c.post("/v1/batches", files=[("files", ("big.txt", REPORT + b" " * 5000))]).status_code == 413
        assert not list((tmp_path / "batches").iterdir())  # nothing kept of a refused upload


def test_uploads_get_generated_names_never_the_clients(tmp_path):
    hostile = ["../../escape.txt", "/etc/passwd", "..\\..\\win.txt", "a/b/../../../c.txt", "CON", "报告\x00.txt"]
    with client(tmp_path, start_jobs=False) as c:
        r = c.post("/v1/batches", files=[("files", (name, REPORT)) for name in hostile])
        assert r.status_code == 202, r.text
        batch_id = r.json()["id"]
        stored = sorted(os.listdir(tmp_path / "batches" / batch_id / "inputs"))
        shown = [d["name"] for d in c.get(f"/v1/batches/{batch_id}").json()["documents"]]
    assert stored == [f"{n:04d}.txt" for n in range(1, len(hostile) + 1)]
    assert not (tmp_path.parent / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()
    assert len(shown) == len(hostile) and all("\x00" not in name for name in shown)


@pytest.mark.parametrize("members, symlinks, status", [
    ({"../evil.txt": REPORT}, (), 400),
    ({"ok/../../evil.txt": REPORT}, (), 400),
    ({"/abs/evil.txt": REPORT}, (), 400),
    ({"C:/evil.txt": REPORT}, (), 400),
    ({"link.txt": b"/etc/passwd"}, ("link.txt",), 400),
    ({"inner.zip": zip_of({"a.txt": REPORT})}, (), 415),
    ({"photo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256))}, (), 415),
])
def test_bad_zips_are_refused(tmp_path, members, symlinks, status):
    with client(tmp_path, start_jobs=False) as c:
        r = c.post("/v1/batches", files=[("files", ("reports.zip", zip_of(members, symlinks)))])
        assert r.status_code == status, r.text
    assert not list((tmp_path / "batches").iterdir())


def test_zip_bomb_is_refused_without_inflating_it(tmp_path):
    bomb = zip_of({"report.txt": REPORT + b"\n" * (20 << 20)})  # 20 MiB of newlines: ~20 KiB packed
    assert len(bomb) < 100_000
    with client(tmp_path, start_jobs=False) as c:
        r = c.post("/v1/batches", files=[("files", ("bomb.zip", bomb))])
    assert r.status_code == 413 and "zip bomb" in r.json()["detail"]


def test_a_zip_whose_header_lies_is_stopped_while_inflating(tmp_path):
    """Declared sizes pass the checks; the bytes actually inflated do not."""
    body = b"0" * 200_000
    packed = zlib.compress(body, 9)[2:-4]  # raw deflate
    archive = bytearray(zip_of({"r.txt": body}))
    # Patch the declared uncompressed size (local header and central directory) down to 1,000.
    declared = len(body).to_bytes(4, "little")
    assert archive.count(declared) == 2 and len(packed) < 1000
    archive = archive.replace(declared, (1000).to_bytes(4, "little"))
    with client(tmp_path, start_jobs=False, max_upload_bytes=100_000) as c:
        r = c.post("/v1/batches", files=[("files", ("liar.zip", bytes(archive)))])
    assert 400 <= r.status_code < 500, r.text


def test_a_good_zip_says_what_it_skipped(tmp_path):
    archive = zip_of({"a/one.txt": SAMPLES[0].read_bytes(), "b/two.txt": SAMPLES[1].read_bytes(),
                      "photo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "__MACOSX/._one.txt": b"x"})
    with client(tmp_path, backend="rules") as c:
        r = c.post("/v1/batches", files=[("files", ("reports.zip", archive))])
        assert r.status_code == 202, r.text
        assert r.json()["files"] == 2 and r.json()["skipped"] == ["photo.png"]
        batch = wait_done(c, r.json()["id"])
    assert sorted(d["name"] for d in batch["documents"]) == ["one.txt", "two.txt"]
    assert batch["counts"]["ok"] == 2


def test_token_guards_write_routes_only(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_API_TOKEN", "s3cret")
    assert ServeConfig().token == "s3cret"
    with client(tmp_path, start_jobs=False, token="s3cret") as c:
        post = lambda headers: c.post("/v1/batches", files=files(SAMPLES[:1]), headers=headers)
        assert post({}).status_code == 401
        assert post({"Authorization": "Bearer wrong"}).status_code == 401
        assert post({"Authorization": "s3cret"}).status_code == 401
        assert c.post("/v1/documents", files={"file": ("a.txt", REPORT)}).status_code == 401
        ok = post({"Authorization": "Bearer s3cret"})
        assert ok.status_code == 202
        batch_id = ok.json()["id"]
        assert c.get(f"/v1/batches/{batch_id}").status_code == 200  # reads stay open
        assert c.get("/healthz").status_code == 200
        r = c.post(f"/v1/batches/{batch_id}/documents/0123456789abcdef/decisions",
                   json={"cell": "p3.new_received.total", "action": "accept"})
        assert r.status_code == 401


def test_no_cors_by_default(tmp_path):
    with client(tmp_path) as c:
        r = c.get("/healthz", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in r.headers
        pre = c.options("/v1/batches", headers={"Origin": "https://elsewhere.example",
                                                "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in pre.headers and pre.status_code >= 400


def test_concurrent_uploads_each_become_a_batch(tmp_path):
    with client(tmp_path, backend="rules") as c:
        def upload(i: int) -> str:
            r = c.post("/v1/batches", files=files([SAMPLES[i % len(SAMPLES)]]))
            assert r.status_code == 202, r.text
            return r.json()["id"]

        with ThreadPoolExecutor(6) as pool:
            ids = list(pool.map(upload, range(6)))
        assert len(set(ids)) == 6
        batches = [wait_done(c, i, timeout=120) for i in ids]
    assert all(b["status"] == "done" and b["counts"]["ok"] == 1 for b in batches)
    assert [b["documents"][0]["name"] for b in batches] == [SAMPLES[i % len(SAMPLES)].name for i in range(6)]
