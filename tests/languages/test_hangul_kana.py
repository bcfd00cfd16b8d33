"""Korean station names in katakana, checked against the names the source writes in katakana."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from languages.ja.hangul_kana import hangul_to_katakana

STATIONS = Path(__file__).parents[2] / "knowledge" / "data" / "seoul" / "stations.csv"


@pytest.mark.parametrize(
    ("korean", "katakana"),
    [
        ("강남", "カンナム"),  # a word's first stop is voiceless
        ("임진강", "イムジンガン"),  # voiced between voiced sounds
        ("곡산", "コッサン"),  # a final stop before another stop
        ("검암", "コマム"),  # a final carried over to ㅇ
        ("백마", "ペンマ"),  # ㄱ before a nasal
        ("종로", "チョンノ"),  # ㄹ after ㅇ heard as n
        ("홍대입구", "ホンデイック"),
        ("광운대", "クァンウンデ"),
        ("의정부", "ウィジョンブ"),
        ("대곡", "テゴク"),  # the source's 大谷 elsewhere
        ("동탄", "トンタン"),  # no Japanese name in the source at all
        ("GTX-A 동탄", "GTX-A トンタン"),  # other characters are kept
    ],
)
def test_readings_follow_the_sources_conventions(korean: str, katakana: str) -> None:
    assert hangul_to_katakana(korean) == katakana


def test_most_katakana_names_in_the_source_are_reproduced() -> None:
    """Where the source has a katakana name, the reading should mostly equal it: the rules are
    the source's, so they are fit to stand in where it gives only kanji or nothing."""
    same = total = 0
    seen: set[str] = set()
    with STATIONS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            korean, japanese = row["name_ko"], row["name_ja"]
            if not re.fullmatch(r"[\u30a1-\u30fc]+", japanese) or korean in seen:
                continue
            if re.search(r"\d", korean):
                continue  # the source reads digits as Korean numbers (5가 オガ)
            seen.add(korean)
            if korean.endswith("역") and len(korean) > 2 and not japanese.endswith("ヨク"):
                korean = korean[:-1]
            total += 1
            same += hangul_to_katakana(korean) == japanese
    assert total > 500
    assert same / total >= 0.85, f"{same} of {total}"
