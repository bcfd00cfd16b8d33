"""Text normalisation for speech: numbers, line names, exits, times and fares, per language.

TTS voices read digits unreliably ("2호선" as "two ho-seon", "05:30" as "zero five thirty"), and
espeak-ng's Japanese voice reads kana far better than kanji. So the answer text is rewritten into
the words a station announcer would say before it reaches a voice. Also splits text into
sentences so synthesis can start speaking after the first one.
"""

from __future__ import annotations

import re
import unicodedata

_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")  # 05:30, not 1:2:3 or 12:345

# --- Korean -------------------------------------------------------------------------------------

_KO_DIGITS = ["", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]
_KO_NATIVE_ONES = ["", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉"]
_KO_NATIVE_TENS = ["", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔"]
# Counters read with native Korean numbers ("세 정거장", "두 개"); everything else is Sino-Korean.
_KO_NATIVE_COUNTERS = ("정거장", "개", "명", "번째", "대", "시간", "살", "장")


_NUMBER = r"\d+(?:,\d{3})+|\d+"
"""A number with optional thousands separators; a comma after it ("exit 10, then") stays."""


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


def _normalize_ko(text: str) -> str:
    text = _TIME.sub(lambda m: _ko_time(int(m[1]), int(m[2])), text)
    text = re.sub(r"₩\s?(\d+(?:,\d{3})*)", r"\1원", text)
    text = re.sub(r"(\d+(?:,\d{3})*)\s?원", lambda m: f"{ko_number(_int(m[1]))} 원", text)
    counters = "|".join(_KO_NATIVE_COUNTERS)
    text = re.sub(rf"(\d+)\s?({counters})", lambda m: f"{ko_native(int(m[1]))} {m[2]}", text)
    # Line and exit numbers are Sino-Korean and attach to the counter: 이호선, 삼번 출구.
    text = re.sub(r"(\d+)\s?(호선|번)", lambda m: ko_number(int(m[1])) + m[2], text)
    text = re.sub(r"[Bb](\d+)\s?층", lambda m: f"지하 {ko_number(int(m[1]))} 층", text)
    return re.sub(_NUMBER, lambda m: ko_number(_int(m[0])), text)


# --- English ------------------------------------------------------------------------------------

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


def _normalize_en(text: str) -> str:
    text = _EN_READING.sub(r"\1", text)
    for pattern, spoken in _EN_ABBREVIATIONS:
        text = pattern.sub(spoken, text)
    text = _TIME.sub(lambda m: _en_time(int(m[1]), int(m[2])), text)
    text = re.sub(r"₩\s?(\d+(?:,\d{3})*)", lambda m: f"{en_number(_int(m[1]))} won", text)
    text = re.sub(
        r"(\d+(?:,\d{3})*)\s?(?:KRW|won)\b", lambda m: f"{en_number(_int(m[1]))} won", text
    )
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", lambda m: en_ordinal(int(m[1])), text)
    text = re.sub(r"\bB(\d+)\b", lambda m: f"basement {en_number(int(m[1]))}", text)
    text = re.sub(_NUMBER, lambda m: en_number(_int(m[0])), text)
    return text.replace("p.m..", "p.m.")


# --- Chinese ------------------------------------------------------------------------------------

_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """Chinese numerals: 1400 -> 一千四百, 10 -> 十, 1005 -> 一千零五."""
    if n == 0:
        return "零"
    if n >= 10**8:
        rest = n % 10**8
        high = zh_number(n // 10**8) + "亿"
        return high + (("零" if rest < 10**7 else "") + zh_number(rest) if rest else "")
    if n >= 10**4:
        rest = n % 10**4
        high = zh_number(n // 10**4) + "万"
        return high + (("零" if rest < 1000 else "") + zh_number(rest) if rest else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + _ZH_DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return out[1:] if out.startswith("一十") else out


def _normalize_zh(text: str) -> str:
    text = _TIME.sub(
        lambda m: f"{zh_number(int(m[1]))}点" + (f"{zh_number(int(m[2]))}分" if int(m[2]) else ""),
        text,
    )
    text = re.sub(r"₩\s?(\d+(?:,\d{3})*)", lambda m: f"{zh_number(_int(m[1]))}韩元", text)
    text = re.sub(r"(?<![\d,])2\s?(分钟|个|站|部|位)", r"两\1", text)  # "两站", not "二站"
    return re.sub(_NUMBER, lambda m: zh_number(_int(m[0])), text)


# --- Japanese -----------------------------------------------------------------------------------

_JA_DIGITS = ["", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう"]
# Sound changes before 百 and 千 (さんびゃく, はっせん); 1 is silent except for 一万.
_JA_HUNDREDS = ["", "ひゃく", "にひゃく", "さんびゃく", "よんひゃく", "ごひゃく", "ろっぴゃく",
                "ななひゃく", "はっぴゃく", "きゅうひゃく"]  # fmt: skip
_JA_THOUSANDS = ["", "せん", "にせん", "さんぜん", "よんせん", "ごせん", "ろくせん", "ななせん",
                 "はっせん", "きゅうせん"]  # fmt: skip
_JA_MINUTES = ["", "いっぷん", "にふん", "さんぷん", "よんぷん", "ごふん", "ろっぷん", "ななふん",
               "はっぷん", "きゅうふん"]  # fmt: skip
_JA_HOURS = {4: "よじ", 7: "しちじ", 9: "くじ"}


def ja_number(n: int) -> str:
    """Kana reading: 1400 -> せんよんひゃく, 2 -> に (espeak-ng reads kana, not kanji)."""
    if n == 0:
        return "ゼロ"
    if n >= 10**4:
        rest = n % 10**4
        return ja_number(n // 10**4) + "まん" + (ja_number(rest) if rest else "")
    tens = n // 10 % 10
    return (
        _JA_THOUSANDS[n // 1000 % 10]
        + _JA_HUNDREDS[n // 100 % 10]
        + (("" if tens == 1 else _JA_DIGITS[tens]) + "じゅう" if tens else "")
        + _JA_DIGITS[n % 10]
    )


def _ja_minutes(m: int) -> str:
    if m == 0:
        return ""
    tens, ones = divmod(m, 10)
    if ones == 0:
        return ("" if tens == 1 else _JA_DIGITS[tens]) + "じゅっぷん"
    return (ja_number(tens * 10) if tens else "") + _JA_MINUTES[ones]


def _ja_time(h: int, m: int) -> str:
    if h == 0:
        hour = "れいじ"
    elif h % 10 in _JA_HOURS:  # よじ, しちじ, くじ are irregular (also in 14, 17, 19)
        hour = (ja_number(h - h % 10) if h >= 10 else "") + _JA_HOURS[h % 10]
    else:
        hour = ja_number(h) + "じ"
    return hour + _ja_minutes(m)


def _normalize_ja(text: str) -> str:
    text = _TIME.sub(lambda m: _ja_time(int(m[1]), int(m[2])), text)
    text = re.sub(r"₩\s?(\d+(?:,\d{3})*)", lambda m: f"{ja_number(_int(m[1]))}ウォン", text)
    text = re.sub(r"(\d+)\s?号線", lambda m: ja_number(int(m[1])) + "ごうせん", text)
    text = re.sub(r"(\d+)\s?番出口", lambda m: ja_number(int(m[1])) + "ばんでぐち", text)
    text = re.sub(r"(\d+)\s?番", lambda m: ja_number(int(m[1])) + "ばん", text)
    text = re.sub(r"(\d+)\s?分", lambda m: _ja_minutes(int(m[1])), text)
    text = re.sub(r"(\d+(?:,\d{3})*)\s?ウォン", lambda m: ja_number(_int(m[1])) + "ウォン", text)
    return re.sub(_NUMBER, lambda m: ja_number(_int(m[0])), text)


# --- entry points -------------------------------------------------------------------------------

_NORMALIZERS = {"ko": _normalize_ko, "en": _normalize_en, "zh": _normalize_zh, "ja": _normalize_ja}


def _int(digits: str) -> int:
    return int(digits.replace(",", ""))


def normalize(text: str, lang: str) -> str:
    """Rewrite `text` into speakable words for `lang` (ko/en/zh/ja); NFC in, NFC out."""
    text = unicodedata.normalize("NFC", text)
    text = unicodedata.normalize("NFC", _NORMALIZERS.get(lang, _normalize_en)(text))
    return re.sub(r"[ \t]+", " ", text).strip()


_SENTENCE_END = {
    # Latin: end punctuation followed by whitespace; not after a single capital ("p.m. Line").
    "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])"),
    "ko": re.compile(r"(?<=[.!?。])\s+"),
    "zh": re.compile(r"(?<=[。！？!?；])\s*"),
    "ja": re.compile(r"(?<=[。！？!?])\s*"),
}


FIRST_PART_MAX_CHARS = 40
"""A first sentence longer than this is spoken in clauses: the passenger hears the start of
the answer after one clause is synthesised, not the whole sentence (a route's first sentence
takes Piper ~1.5 s)."""
_CLAUSE_END = re.compile(r"(?<=[,，、：:;；])\s*")


def split_sentences(text: str, lang: str) -> list[str]:
    """Split into sentences so the first can be spoken while the rest is synthesised; a long
    first sentence is split further at its first clause break."""
    pattern = _SENTENCE_END.get(lang, _SENTENCE_END["en"])
    parts = [p.strip() for p in pattern.split(text.strip())]
    parts = [p for p in parts if p]
    if parts and len(parts[0]) > FIRST_PART_MAX_CHARS:
        head, *rest = _CLAUSE_END.split(parts[0], maxsplit=1)
        if rest and rest[0].strip() and len(head) >= 8:
            parts[0:1] = [head.strip(), rest[0].strip()]
    return parts
