"""Which script a character is written in: the one place that knows the Unicode blocks.

Language detection counts scripts per question; the LLM answerer drops passages in scripts its
model does not read. A language declares its scripts in `Language.scripts`.
"""

from __future__ import annotations

import re

SCRIPTS = ("latin", "hangul", "kana", "han")


def script_of(ch: str) -> str:
    """`latin`, `hangul`, `kana`, `han` or `other` for one letter."""
    code = ord(ch)
    if code < 0x250:
        return "latin" if ch.isalpha() else "other"
    if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
        return "kana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "han"
    return "other"


def has_script(text: str, script: str) -> bool:
    """Whether any letter of `text` is written in `script` (`hangul`, `han`, ...)."""
    return any(script_of(ch) == script for ch in text)


_CJK_GAP = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff])\s+(?=[\u3040-\u30ff\u3400-\u9fff])")


def close_cjk_gaps(text: str) -> str:
    """Speech recognisers sometimes space out Chinese/Japanese characters ("舍 堂 站"); the
    languages use no spaces, so spaces between two CJK characters carry nothing."""
    return _CJK_GAP.sub("", text)
