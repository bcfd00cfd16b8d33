"""Grounding check: every number, exit, line and station an answer speaks must be in its sources.

Generated text is compared on normalised facts, not strings, so `Line 2` in an English answer is
supported by `2호선` in a Korean record, `３番出口` by `3번 출구`, and `Kangnam` by `강남`.
Numbers include exit numbers, stop counts and times; CJK numerals before a counter
(`三号出口`) are read as digits so a model cannot slip a number past the check in words.
Composers may declare `derived` numbers they computed from the sources (a stop count is the
number of edges ridden); nothing else is exempt.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import languages
from knowledge.answers.mentions import StationScanner
from knowledge.answers.question_text import LineFinder, latin_word_match, normalise
from knowledge.answers.types import Source

GROUNDED_STATION_CONFIDENCE = 0.8
"""Exact, alias and abbreviation matches (`Hongdae`) count as a station *named* in generated
text; fuzzy ones would flag ordinary words that happen to resemble a station."""

_CJK_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CJK_NUMBER = re.compile(
    r"([〇零一二两兩三四五六七八九十]+)(?=\s*(?:号|號|番|站|个|個|駅|つ|回|次|分|時|点|部|か所))"
)
_KO_NUMBER = re.compile(
    r"(한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*(?=(?:번째|정거장|개|곳|번\s*갈아|정류장))"
)
_KO_WORDS = {
    "한": 1,
    "두": 2,
    "세": 3,
    "네": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
}
_EN_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_EN_NUMBER = re.compile(
    r"\b("
    + "|".join(_EN_WORDS)
    + r")\b(?=\s+(?:stops?|exits?|stations?|transfers?|elevators?|minutes?))"
)


def _cjk_value(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CJK_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _CJK_DIGITS.get(ones, 0) if ones else 0
        )
    value = 0
    for ch in text:
        value = value * 10 + _CJK_DIGITS.get(ch, 0)
    return value


def numbers(text: str) -> set[str]:
    """Every number in `text` as a canonical decimal string (`05` -> `5`), words included."""
    t = unicodedata.normalize("NFKC", text)
    found = {str(int(n)) for n in re.findall(r"\d+", t)}
    found |= {str(_cjk_value(m)) for m in _CJK_NUMBER.findall(t)}
    found |= {str(_KO_WORDS[m]) for m in _KO_NUMBER.findall(t)}
    found |= {str(_EN_WORDS[m.lower()]) for m in _EN_NUMBER.findall(t.lower())}
    return found


@dataclass(slots=True)
class GroundingResult:
    ok: bool
    unsupported: list[str] = field(default_factory=list)
    """What failed, as `number:7`, `line:4`, `station:잠실`; for logs and tests, not passengers."""


class GroundingChecker:
    def __init__(
        self, kb: Any, lines: LineFinder | None = None, scanner: StationScanner | None = None
    ) -> None:
        self.kb = kb
        self.lines = lines or LineFinder(getattr(kb, "lines", None))
        self.scanner = scanner or StationScanner(kb)
        self._code_index: dict[str, str] | None = None

    def _stations(self, text: str, lang: str | None, thorough: bool = False) -> set[str]:
        """Exact names always; with `thorough` (generated text) also the KB's aliases, so a
        model cannot name a station by a nickname (`Hongdae`) the exact scan misses."""
        keys = self.scanner.keys(text)
        if thorough:
            norm = normalise(text)
            keys |= {
                m.complex.key
                for m in self.kb.find_stations(text, lang)
                if m.confidence >= GROUNDED_STATION_CONFIDENCE and latin_word_match(m, norm)
            }
        return keys

    def _record_stations(self, sources: list[Source]) -> set[str]:
        """Complexes whose station records are sources (`station:0426`, `edge:2:0222-0223`):
        the record *is* that station, whatever name variant its text uses."""
        codes: set[str] = set()
        keys: set[str] = set()
        for s in sources:
            kind, _, rest = s.id.partition(":")
            if kind == "edge":
                codes.update(rest.rpartition(":")[2].split("-"))
            elif kind == "complex":
                keys.add(rest)
            else:  # station:0426, elevator:0222:1, transfer:0426:7 name their station code
                codes.add(rest.split(":")[0])
        if codes:
            if self._code_index is None:
                self._code_index = {
                    code: cx.key for cx in self.kb.complexes() for code in cx.station_codes
                }
            keys |= {self._code_index[c] for c in codes if c in self._code_index}
        return keys

    def _named_in(self, key: str, text: str) -> bool:
        try:
            names = set(self.kb.complex(key).names.values())
        except Exception:
            names = {key}
        return any(name and name in text for name in names)

    def _line_ids(self, text: str) -> set[str]:
        norm = unicodedata.normalize("NFKC", text).lower()
        found: set[str] = set()
        for lang in languages.codes():
            found |= {ln.id for ln in self.lines.find(norm, lang)}
        return found

    def check(
        self,
        answer: str,
        sources: Iterable[Source],
        lang: str,
        *,
        derived: Iterable[str] = (),
        lines: Iterable[str] = (),
        allowed_stations: Iterable[str] = (),
        thorough: bool = False,
    ) -> GroundingResult:
        """`lines` are line ids from the sources' structured fields; `allowed_stations` are
        complex keys the answer may name without a source (the kiosk's own station when it
        says "you are here")."""
        srcs = list(sources)
        joined = "\n".join(s.text for s in srcs)
        problems: list[str] = []
        source_numbers = numbers(joined) | {str(int(d)) for d in derived if str(d).isdigit()}
        problems += [f"number:{n}" for n in sorted(numbers(answer) - source_numbers)]
        source_lines = self._line_ids(joined) | set(lines)
        problems += [f"line:{ln}" for ln in sorted(self._line_ids(answer) - source_lines)]
        said = self._stations(answer, lang, thorough)
        allowed = set(allowed_stations) | self._record_stations(srcs)
        missing = {key for key in said - allowed if not self._named_in(key, joined)}
        if missing:  # slower: the sources may name it by an alias (`Hongik Univ.` / `홍대입구역`)
            known: set[str] = set()
            for s in srcs:
                known |= self._stations(s.text, None, thorough)
            problems += [f"station:{key}" for key in sorted(missing - known)]
        return GroundingResult(not problems, problems)
