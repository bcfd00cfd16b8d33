"""How the voices must say station names the data writes in a form they would misread.

Seoul's Japanese station names are katakana readings of the Korean (강남 カンナム), but the
source gives some only in kanji copied from Chinese (대곡 大谷, 대화 大化) or not at all (동탄,
filled from English). A Japanese voice reads kanji the Japanese way (大谷 おおたに) and spells
Latin letters; the passenger would hear a station no sign names. Each such name gets a
katakana reading of its Korean name (`languages.ja.hangul_kana`); the answer text on screen
keeps the data's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.records import StationComplex
from languages.ja.hangul_kana import hangul_to_katakana

_KATAKANA = re.compile(r"[\u30a1-\u30fa]")
_HAN_ASIDE = re.compile(r"\s*[(（][^)）\u30a1-\u30fa]*[)）]")
"""A bracketed aside without kana: サムソン(三成) is said サムソン."""


def japanese_readings(complexes: Iterable[StationComplex]) -> dict[str, str]:
    """Written Japanese name -> katakana reading, for every station name a Japanese voice
    would misread; names already in katakana are left to the data."""
    readings: dict[str, str] = {}
    for station in complexes:
        written = station.names.get("ja", "")
        if not written:
            continue
        if _KATAKANA.search(written):
            spoken = _HAN_ASIDE.sub("", written)
            if spoken != written and spoken:
                readings[written] = spoken
            continue
        spoken = hangul_to_katakana(station.names["ko"].removesuffix("역") or station.key)
        if spoken != written and _KATAKANA.search(spoken):
            readings[written] = spoken
    return readings
