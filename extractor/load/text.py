"""Plain text and markdown: UTF-8, or GB18030/GBK (common on government sites)."""
from __future__ import annotations

from charset_normalizer import from_bytes

from extractor.errors import UnreadableDocument

_CJK_ENCODINGS = ("utf_8", "gb18030", "big5", "utf_16")


def decode(data: bytes, label: str) -> str:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableDocument(f"{label}: binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # GB18030 is a superset of GBK and GB2312; strict decoding rejects most non-GB bytes
        text = data.decode("gb18030")
        if _mostly_text(text):
            return text
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(_CJK_ENCODINGS)).best()
    if best is None or not _mostly_text(str(best)):
        raise UnreadableDocument(f"{label}: not text in UTF-8, GB18030/GBK or Big5")
    return str(best)


def _mostly_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text) < 0.01


def load(data: bytes, label: str) -> str:
    return decode(data, label)
