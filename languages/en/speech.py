"""English speech normalisation: cardinals, ordinals, clock times, won, abbreviations in names."""

from __future__ import annotations

import re

from languages.numbers import NUMBER, TIME, to_int

_EN_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def en_number(n: int) -> str:
    """Cardinal words: 1400 -> one thousand four hundred."""
    if n < 20:
        return _EN_ONES[n]
    if n < 100:
        return _EN_TENS[n // 10] + ("-" + _EN_ONES[n % 10] if n % 10 else "")
    for value, word in (
        (10**9, "billion"),
        (10**6, "million"),
        (1000, "thousand"),
        (100, "hundred"),
    ):
        if n >= value:
            rest = n % value
            return f"{en_number(n // value)} {word}" + (f" {en_number(rest)}" if rest else "")
    raise AssertionError("unreachable")


_EN_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth",
               "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}  # fmt: skip


def en_ordinal(n: int) -> str:
    words = en_number(n)
    head, sep, last = words.rpartition(" ") if " " in words else ("", "", words)
    if "-" in last:
        pre, _, last = last.rpartition("-")
        head, sep = f"{head}{sep}{pre}-".lstrip(), ""
    if last in _EN_ORDINAL:
        last = _EN_ORDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return f"{head}{sep}{last}"


def _en_time(h: int, m: int) -> str:
    hour = en_number(h % 12 or 12)
    minutes = "o'clock" if m == 0 else (f"oh {en_number(m)}" if m < 10 else en_number(m))
    return f"{hour} {minutes}" + (" p.m." if h >= 13 else "")


# Romanised station names carry the reading of their number: "Euljiro 4(sa)-ga" is said
# "Euljiro sa-ga"; abbreviations in published names are said in full.
_EN_READING = re.compile(r"\b\d+\(([a-z]+)\)")
_EN_ABBREVIATIONS = (
    (re.compile(r"\bUniv\.(?=\s+[a-z]|,)"), "University"),  # mid-sentence: drop the dot
    (re.compile(r"\bUniv\b"), "University"),  # "...at Hongik Univ." keeps its full stop
    (re.compile(r"\bNat[`'’]l\b"), "National"),
    (re.compile(r"\bInt[`'’]l\b"), "International"),
    (re.compile(r"\bGov[`'’]t\b"), "Government"),
)


def normalize_en(text: str) -> str:
    text = _EN_READING.sub(r"\1", text)
    for pattern, spoken in _EN_ABBREVIATIONS:
        text = pattern.sub(spoken, text)
    text = TIME.sub(lambda m: _en_time(int(m[1]), int(m[2])), text)
    text = re.sub(r"₩\s?(\d+(?:,\d{3})*)", lambda m: f"{en_number(to_int(m[1]))} won", text)
    text = re.sub(
        r"(\d+(?:,\d{3})*)\s?(?:KRW|won)\b", lambda m: f"{en_number(to_int(m[1]))} won", text
    )
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", lambda m: en_ordinal(int(m[1])), text)
    text = re.sub(r"\bB(\d+)\b", lambda m: f"basement {en_number(int(m[1]))}", text)
    text = re.sub(NUMBER, lambda m: en_number(to_int(m[0])), text)
    return text.replace("p.m..", "p.m.")
