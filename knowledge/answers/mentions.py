"""Fast exact scan for station names in a text, for grounding and for the common case in questions.

The KB's `find_stations` falls back to fuzzy matching when no exact name is found, which costs
hundreds of milliseconds on two cores and is the right tool for a mis-heard name. Checking that
an answer names only sourced stations needs exact names only, and most questions contain either
an exact name or none, so this scanner runs first and fuzzy matching only when a station seems
meant but none was found.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from knowledge.records import StationComplex, StationMatch

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
    """Every complex name (ko/en/zh/ja) in one longest-first table, rebuilt per KB version."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb
        self._version: int | None = None
        self._latin: re.Pattern[str] | None = None
        self._by_name: dict[str, StationComplex] = {}
        self._cjk: list[str] = []

    def _build(self) -> None:
        version = getattr(self.kb, "version", 0)
        if version == self._version and self._by_name:
            return
        by_name: dict[str, StationComplex] = {}
        for cx in self.kb.complexes():
            for lang, name in cx.names.items():
                if lang in cx.names_fallback and lang in ("zh", "ja"):
                    continue  # an English fallback name is already indexed as English
                key = _norm(name).strip()
                if len(key) >= 2:
                    by_name.setdefault(key, cx)
        latin = sorted((k for k in by_name if k.isascii()), key=len, reverse=True)
        self._latin = re.compile(
            r"(?<![a-z0-9])(" + "|".join(re.escape(k) for k in latin) + r")(?![a-z0-9])"
        )
        self._cjk = sorted((k for k in by_name if not k.isascii()), key=len, reverse=True)
        self._by_name = by_name
        self._version = version

    def scan(self, text: str) -> list[StationMatch]:
        """Exact mentions, in order of appearance, longest name first, without overlaps."""
        self._build()
        norm = _norm(text)
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, StationMatch]] = []
        assert self._latin is not None
        for m in self._latin.finditer(norm):
            taken.append(m.span())
            found.append((m.start(), self._match(m.group(1))))
        for name in self._cjk:
            start = norm.find(name)
            while start >= 0:
                end = start + len(name)
                free = not any(s < end and start < e for s, e in taken)
                if free and (not _hangul(name[0]) or _ko_boundary(norm, start, end)):
                    taken.append((start, end))
                    found.append((start, self._match(name)))
                start = norm.find(name, end)
        seen: set[str] = set()
        out: list[StationMatch] = []
        for _, match in sorted(found, key=lambda x: x[0]):
            if match.complex.key not in seen:
                seen.add(match.complex.key)
                out.append(match)
        return out

    def _match(self, name: str) -> StationMatch:
        return StationMatch(self._by_name[name], 1.0, name, "exact")

    def keys(self, text: str) -> set[str]:
        return {m.complex.key for m in self.scan(text)}
