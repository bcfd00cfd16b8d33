"""Traditional Chinese folded into Simplified: the kiosk's Chinese keywords, and most of the
data's Chinese names, are Simplified; a passenger from Taiwan or Hong Kong writes 轉乘 and
鐘路三街. OpenCC's tables (opencc-python-reimplemented, Apache-2.0) do the folding."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from languages.scripts import has_script


@lru_cache(maxsize=1)
def _converter() -> Any:  # opencc ships no type hints
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """`text` with Traditional characters in their Simplified form; text without Han as is."""
    return _converter().convert(text) if has_script(text, "han") else text
