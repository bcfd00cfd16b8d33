"""Korean speech normalisation: Sino-Korean and native numbers (`2호선` -> 이호선,
`3정거장` -> 세 정거장)."""

from __future__ import annotations

import re

from languages.numbers import NUMBER, TIME, to_int

_KO_DIGITS = ["", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]
_KO_NATIVE_ONES = ["", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉"]
_KO_NATIVE_TENS = ["", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔"]
# Counters read with native Korean numbers ("세 정거장", "두 개"); everything else is Sino-Korean.
_KO_NATIVE_COUNTERS = ("정거장", "개", "곳", "명", "번째", "대", "시간", "살", "장")
# "번" counts times before a verb of changing trains (한 번 갈아타고) and numbers exits otherwise.
_KO_TIMES = re.compile(r"(\d+)\s?번(?=\s*(?:갈아|환승))")


def _ko_under_10000(n: int) -> str:
    out = []
    for value, unit in ((1000, "천"), (100, "백"), (10, "십"), (1, "")):
        digit = n // value % 10
        if digit:
            out.append(("" if digit == 1 and unit else _KO_DIGITS[digit]) + unit)
    return "".join(out)


def ko_number(n: int) -> str:
    """Sino-Korean reading: 1400 -> 천사백, 10000 -> 만, 250000 -> 이십오만."""
    if n == 0:
        return "영"
    parts = []
    for value, unit in ((10**8, "억"), (10**4, "만"), (1, "")):
        group = n // value % 10000 if value < 10**8 else n // value
        if group:
            word = ko_number(group) if group >= 10000 else _ko_under_10000(group)
            parts.append(("" if group == 1 and unit == "만" else word) + unit)
    return "".join(parts)


def ko_native(n: int) -> str:
    """Native Korean attributive reading for counters (1 -> 한, 20 -> 스무); > 99 is Sino."""
    if not 0 < n < 100:
        return ko_number(n)
    if n == 20:
        return "스무"
    return _KO_NATIVE_TENS[n // 10] + _KO_NATIVE_ONES[n % 10]


def _ko_time(h: int, m: int) -> str:
    hour = ko_native(h) if 1 <= h <= 12 else ko_number(h)
    return f"{hour} 시" + (f" {ko_number(m)} 분" if m else "")


def normalize_ko(text: str) -> str:
    text = TIME.sub(lambda m: _ko_time(int(m[1]), int(m[2])), text)
    text = re.sub(r"₩\s?(\d+(?:,\d{3})*)", r"\1원", text)
    text = re.sub(r"(\d+(?:,\d{3})*)\s?원", lambda m: f"{ko_number(to_int(m[1]))} 원", text)
    text = _KO_TIMES.sub(lambda m: f"{ko_native(int(m[1]))} 번", text)
    counters = "|".join(_KO_NATIVE_COUNTERS)
    text = re.sub(rf"(\d+)\s?({counters})", lambda m: f"{ko_native(int(m[1]))} {m[2]}", text)
    # Line and exit numbers are Sino-Korean and attach to the counter: 이호선, 삼번 출구.
    text = re.sub(r"(\d+)\s?(호선|번)", lambda m: ko_number(int(m[1])) + m[2], text)
    text = re.sub(r"[Bb](\d+)\s?층", lambda m: f"지하 {ko_number(int(m[1]))} 층", text)
    return re.sub(NUMBER, lambda m: ko_number(to_int(m[0])), text)
