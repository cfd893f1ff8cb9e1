"""Bounded reading (extractor.load.guard): special files, size limits, zip bombs, a parser's
process with a memory and a time limit, and file names of any bytes."""
from __future__ import annotations

import io
import os
import time
import zipfile

import pytest

from extractor.errors import InputError, TooLarge, TooSlow, UnreadableDocument
from extractor.load import guard, load, shown_path
from extractor.load.guard import Limits


def _docx(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "dev_urandom"])
@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".docx"])
def test_special_files_are_refused_at_once(tmp_path, kind, suffix):
    path = tmp_path / f"x{suffix}"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/" + kind.split("_")[1])
    t = time.monotonic()
    with pytest.raises(UnreadableDocument, match="not a regular file"):
        load(path)
    assert time.monotonic() - t < 2


def test_oversize_files_are_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(TooLarge, match="too large"):
        load(path, limits=Limits(max_text_bytes=1024))
    with pytest.raises(TooLarge):
        load(path.read_bytes(), limits=Limits(max_text_bytes=1024))


def test_text_over_the_character_limit_is_refused(sample_text):
    with pytest.raises(TooLarge, match="characters"):
        load(sample_text, limits=Limits(max_text_chars=len(sample_text) // 2))
    assert load(sample_text).text  # the default limit leaves a real report alone


def test_zip_bomb_declared_size_is_refused_without_inflating():
    data = _docx({"word/document.xml": b"<" + b"a" * (8 << 20) + b">"})
    with pytest.raises(TooLarge, match="unpacked"):
        guard.check_zip(data, "bomb.docx", Limits(max_inflated_bytes=1 << 20))


def test_zip_member_inflating_past_its_declared_size_is_refused():
    data = bytearray(_docx({"word/document.xml": b"x" * 100_000}))
    # lie in the central directory: declare 10 bytes uncompressed
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(InputError):
        guard.check_zip(bytes(data), "liar.docx", Limits())


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_broken_docx_is_unreadable_not_internal(tmp_path, damage):
    good = _docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document>" + b"x" * 5000})
    data = bytearray(good)
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        for i in range(40, len(data) - 200, 97):
            data[i] ^= 0x5A
    else:
        data = bytearray(b"PK\x03\x04" + os.urandom(3000))
    path = tmp_path / "broken.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError):
        load(path)


def test_entity_blow_up_in_docx_is_an_input_error(tmp_path):
    lol = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %c "%s">' % (ord("b") + i, (b"&%c;" % (ord("a") + i)) * 10) for i in range(8)) + b"]><l>&i;</l>"
    data = _docx({"[Content_Types].xml": lol, "word/document.xml": lol})
    path = tmp_path / "lol.docx"
    path.write_bytes(data)
    with pytest.raises(InputError):
        load(path)


def _eat_memory(data: bytes, label: str) -> str:
    hog = [bytearray(64 << 20) for _ in range(64)]  # 4 GiB
    return str(len(hog))


def _hang(data: bytes, label: str) -> str:
    while True:
        time.sleep(0.05)


def _crash(data: bytes, label: str) -> str:
    os.kill(os.getpid(), 9)
    return ""


def _buggy(data: bytes, label: str) -> str:
    raise KeyError("a parser's private error")


def _refuses(data: bytes, label: str) -> str:
    raise UnreadableDocument(f"{label}: nope")


def test_isolated_parse_returns_text():
    assert guard.isolated(lambda d, label: d.decode() * 2, b"ab", "x", Limits(), "PDF") == "abab"


def test_isolated_parse_is_bounded_in_memory():
    t = time.monotonic()
    with pytest.raises(TooLarge, match="memory"):
        guard.isolated(_eat_memory, b"", "hog.pdf", Limits(memory_bytes=512 << 20), "PDF")
    assert time.monotonic() - t < 10


def test_isolated_parse_is_killed_after_its_time():
    t = time.monotonic()
    with pytest.raises(TooSlow, match="too slow"):
        guard.isolated(_hang, b"", "slow.pdf", Limits(seconds=0.5), "PDF")
    assert time.monotonic() - t < 3


@pytest.mark.parametrize("parse, error", [(_crash, TooLarge), (_buggy, UnreadableDocument),
                                          (_refuses, UnreadableDocument)])
def test_isolated_parse_failures_are_input_errors(parse, error):
    with pytest.raises(error, match="bad.pdf"):
        guard.isolated(parse, b"", "bad.pdf", Limits(), "PDF")


def test_non_utf8_file_name_is_carried_and_shown_safely(tmp_path, sample_text):
    name = os.fsdecode(b"report-\xff\xfe.txt")
    path = tmp_path / name
    path.write_text(sample_text, encoding="utf-8")
    doc = load(path)
    assert doc.name == "report-\\xff\\xfe.txt"
    doc.source.model_dump_json()  # no encoding error
    assert shown_path(path) == str(tmp_path) + "/report-\\xff\\xfe.txt"
    assert doc.source.path == shown_path(path)


def test_empty_folder_named_like_a_file_is_an_error(tmp_path):
    folder = tmp_path / "x.txt"
    folder.mkdir()
    with pytest.raises(InputError, match="directory"):
        load(folder)


def test_a_document_deadline_interrupts_python_code():
    t = time.monotonic()
    with pytest.raises(TooSlow, match="slow.txt"):
        with guard.deadline(0.3, "slow.txt"):
            while True:
                pass
    assert time.monotonic() - t < 2


def test_a_deadline_around_an_isolated_parse_kills_the_child():
    t = time.monotonic()
    with pytest.raises(TooSlow):
        with guard.deadline(0.5, "doc"):
            guard.isolated(_hang, b"", "slow.pdf", Limits(seconds=30), "PDF")
    assert time.monotonic() - t < 3


def test_control_characters_never_reach_the_text(sample_text):
    doc = load("\x1b[31m\x1b]0;title\x07\x9b2J" + sample_text.replace("。", "。\x01\x08", 3))
    assert not any(ch in doc.text for ch in "\x1b\x07\x01\x08\x9b")
    assert load(doc.text).text == doc.text  # loading stays idempotent


@pytest.mark.parametrize("text", ["a" * 300 + "/b", "x" * 5000, "line\x00with a nul"])
def test_strings_that_cannot_be_paths_are_taken_as_text(text):
    with pytest.raises(InputError):  # read as text (not a report), never an OSError
        load(text)
