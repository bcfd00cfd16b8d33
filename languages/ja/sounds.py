"""How Japanese text sounds, for comparing a mis-heard station name with the real ones.

Whisper writes a Korean name it half-hears in a Japanese sentence as other katakana (チャムシル
as シャムシル), as hiragana, or as kanji of like sounds (ソッス駅 as 即席): compared as written,
those share nothing. Read aloud (pykakasi) and written in romaji without voicing marks, they
come close again: sokuseki against sossu-eki.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

DIGITS = dict(
    zip("0123456789", "ゼロ イチ ニ サン ヨン ゴ ロク ナナ ハチ キュウ".split(), strict=True)
)
"""Digits read as Japanese: Whisper writes サン of サンヨン as 3."""


@functools.cache
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()


def sound_key(text: str) -> str:
    """`text` as it sounds, in romaji without voicing (ガ and カ alike, as Whisper often hears
    カンナム as ガンナム) or long vowels: 即席 -> "sokuseki", ドンデモ -> "tontemo"."""
    text = "".join(DIGITS.get(ch, ch) for ch in unicodedata.normalize("NFKC", text))
    kana = "".join(part["kana"] for part in _kakasi().convert(text))
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", kana) if ch not in "\u3099\u309a\u30fc"
    )
    folded = unicodedata.normalize("NFC", bare)
    return "".join(part["hepburn"] for part in _kakasi().convert(folded)).replace(" ", "")


_SAID_AFTER_A_NAME = re.compile(r"(?:駅)?(?:です|でした|だ)?(?:よ|ね)?[。.!！?？\s]*$")
"""What follows a name said back ("トンデムン駅です。")."""


def said_sound(text: str) -> str:
    """How a station's name said back sounds (`sound_key`), without "駅です" after it: Whisper
    writes a name it half-hears as it heard it ("どんでもです" for トンデムンです)."""
    return sound_key(_SAID_AFTER_A_NAME.sub("", text))


_MID_SENTENCE = (
    *("には", "では", "まで", "から", "って"),
    *("に", "は", "の", "を", "が", "で", "へ", "と"),
)
"""Particles a Japanese sentence does not end on: after one, the speaker has more to say."""
_GREETINGS = ("こんにちは", "こんばんは")


def ends_mid_sentence(text: str) -> bool:
    """Whisper's text stops on a particle ("ノッポンエキに", "4条駅は。"): the speaker paused
    mid-sentence and the rest comes as another utterance. Greetings end on は too."""
    text = text.rstrip(" 。、.?？!！")
    return text.endswith(_MID_SENTENCE) and not text.endswith(_GREETINGS)


def reply_folded(text: str) -> str:
    """A short reply in one kana: katakana as hiragana, no long-vowel marks or exclamations.
    Whisper writes a はい it half-heard as ハイ, ハイ!, はーい or ハイエ."""
    hiragana = "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)
    return hiragana.replace("ー", "").replace("!", "").replace("！", "")
