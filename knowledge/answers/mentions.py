"""Exact station mentions in a text, for grounding and for the common case in questions.

Fuzzy matching is the right tool for a mis-heard name but costs tens of milliseconds; checking
that an answer names only sourced stations needs exact names only, and most questions contain
either an exact name or none, so exact scanning runs first and fuzzy only when a station seems
meant but none was found.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from knowledge.records import StationMatch

_KO_AFTER = re.compile(
    r"^(역)?(에서는|에서도|에서|까지|부터|으로는|으로|로는|로|에는|에도|에|은|는|이|가|을|를|의|도|과|와|"
    r"하고|이랑|랑|요|이요|인가요|이에요|예요|입니다|방면|방향|쪽|앞|근처|역)*$"
)


def _hangul(ch: str) -> bool:
    return "가" <= ch <= "힣"


def _ko_boundary(norm: str, start: int, end: int) -> bool:
    """A Hangul name must start a word and be followed only by 역 and particles: 가능 is a
    station, but not inside "이용 가능한가요"... unless said as a word of its own."""
    if start > 0 and _hangul(norm[start - 1]):
        return False
    stop = end
    while stop < len(norm) and _hangul(norm[stop]):
        stop += 1
    return bool(_KO_AFTER.match(norm[end:stop]))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text)).lower()


class StationScanner:
    """Exact station mentions only, through the KB's own name index (the same aliases, particles
    and boundaries as everywhere else): fast enough to run on every question and answer."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb

    def scan(self, text: str) -> list[StationMatch]:
        """Exact mentions, in order of appearance, longest name first, without overlaps."""
        return self.kb.find_stations(text, None, fuzzy=False)

    def keys(self, text: str) -> set[str]:
        return {m.complex.key for m in self.scan(text)}
