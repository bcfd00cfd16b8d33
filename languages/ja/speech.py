"""Japanese speech normalisation in kana (espeak-ng reads kana far better than kanji)."""

from __future__ import annotations

import re

from languages.numbers import NUMBER, TIME, to_int

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


def normalize_ja(text: str) -> str:
    text = TIME.sub(lambda m: _ja_time(int(m[1]), int(m[2])), text)
    text = re.sub(r"₩\s?(\d+(?:,\d{3})*)", lambda m: f"{ja_number(to_int(m[1]))}ウォン", text)
    text = re.sub(r"(\d+)\s?号線", lambda m: ja_number(int(m[1])) + "ごうせん", text)
    text = re.sub(r"(\d+)\s?番出口", lambda m: ja_number(int(m[1])) + "ばんでぐち", text)
    text = re.sub(r"(\d+)\s?番", lambda m: ja_number(int(m[1])) + "ばん", text)
    text = re.sub(r"(\d+)\s?分", lambda m: _ja_minutes(int(m[1])), text)
    text = re.sub(r"(\d+(?:,\d{3})*)\s?ウォン", lambda m: ja_number(to_int(m[1])) + "ウォン", text)
    return re.sub(NUMBER, lambda m: ja_number(to_int(m[0])), text)
