"""Plain text and markdown: UTF-8, or GB18030/GBK (common on government sites)."""
from __future__ import annotations

from extractor.errors import UnreadableDocument

_CJK_ENCODINGS = ("utf_8", "gb18030", "big5", "utf_16")


def decode(data: bytes, label: str) -> str:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _utf16_without_bom(data)
        if text is None:
            raise UnreadableDocument(f"{label}: binary file, not text")
        return text
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
    from charset_normalizer import from_bytes  # only here: its import costs ~15 ms of every start-up

    best = from_bytes(data, cp_isolation=list(_CJK_ENCODINGS)).best()
    if best is None or not _mostly_text(str(best)):
        raise UnreadableDocument(f"{label}: not text in UTF-8, GB18030/GBK or Big5")
    return str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark (Windows tools do): the byte order whose
    decoding is almost all CJK, punctuation and ASCII; of two such, the one with more ASCII
    (newlines, digits: in the wrong order they become ideographs ending in a zero byte)."""
    if len(data) % 2:
        return None
    best: tuple[int, str] | None = None
    for codec in ("utf_16_le", "utf_16_be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not text or sum(map(_plausible, text)) < 0.95 * len(text):
            continue
        ascii_count = sum(1 for ch in text if ch < "\x80")
        if best is None or ascii_count > best[0]:
            best = (ascii_count, text)
    return None if best is None or not _mostly_text(best[1]) else best[1]


def _plausible(ch: str) -> bool:
    o = ord(ch)
    return (32 <= o < 127 or ch in "\t\n\r\f" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or o in (0xB7, 0xD7))


def _mostly_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text) < 0.01


def load(data: bytes, label: str) -> str:
    return decode(data, label)
