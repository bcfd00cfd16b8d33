"""Which of ko/en/zh/ja a question is in, from the transcript's scripts and the STT's guess.

Script statistics decide almost every case: Hangul is Korean, kana is Japanese, Latin is English.
The hard case is Han without kana: a Japanese question is rarely all kanji, but a short one
(`渋谷駅は何線`) can be, so Japanese-only shapes (`駅`, `線`, `乗り`, shinjitai) and particles
are weighed against simplified-Chinese ones (`站`, `线`, `吗`, `哪`). The STT's detected language
breaks ties and wins only when the text itself carries little evidence.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import languages
from languages.scripts import script_of

# Characters used (in station questions) by one of the two languages and not the other.
_JA_ONLY = set("駅線乗換営発気帰売図験様沢戸辺込県両労広応効圏歩渋鉄")
_ZH_ONLY = set("站线号吗呢么这哪个门车电梯厕还从请问们铁换乘时间张钱票吧为儿刚过")
_JA_PARTICLE_HINTS = ("は", "が", "を", "に", "で", "の", "ですか", "ますか")

STT_TRUST = 0.8
"""STT confidence above which its language beats weak script evidence."""


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    lang: str
    confidence: float
    reason: str


def _script_counts(text: str) -> dict[str, int]:
    counts = {"hangul": 0, "kana": 0, "han": 0, "latin": 0}
    for ch in unicodedata.normalize("NFKC", text):
        script = script_of(ch)
        if script in counts and (script != "latin" or ch.isascii()):
            counts[script] += 1
    return counts


def _han_lang(text: str) -> tuple[str, float]:
    ja = sum(ch in _JA_ONLY for ch in text)
    zh = sum(ch in _ZH_ONLY for ch in text)
    if ja > zh:
        return "ja", 0.7
    if zh > ja:
        return "zh", 0.8
    return "zh", 0.55


def detect_language(
    text: str,
    *,
    stt_language: str | None = None,
    stt_confidence: float | None = None,
    default: str = "ko",
    enabled: tuple[str, ...] | None = None,
) -> LanguageGuess:
    """The question's language; `default` when neither text nor STT says anything usable.
    `enabled` defaults to every registered language."""
    if enabled is None:
        enabled = languages.codes()
    counts = _script_counts(text)
    letters = sum(counts.values())
    stt = stt_language if stt_language in enabled else None
    stt_conf = stt_confidence if stt_confidence is not None else 0.0
    if letters == 0:
        if stt:
            return LanguageGuess(stt, stt_conf, "stt")
        return LanguageGuess(default, 0.0, "default")
    guess: LanguageGuess
    if counts["kana"] > 0 and counts["kana"] >= counts["hangul"]:
        guess = LanguageGuess("ja", min(1.0, 0.6 + counts["kana"] / letters), "kana")
    elif counts["hangul"] > 0 and counts["hangul"] >= 0.3 * letters:
        guess = LanguageGuess("ko", min(1.0, 0.6 + counts["hangul"] / letters), "hangul")
    elif counts["han"] > 0 and (counts["han"] >= counts["latin"] or _han_lang(text)[1] > 0.6):
        # Whisper keeps a station name in Latin letters inside Chinese ("去Jamsil站怎么走"):
        # Chinese or Japanese markers outweigh the Latin letter count.
        lang, conf = _han_lang(text)
        guess = LanguageGuess(lang, conf, "han")
    else:
        guess = LanguageGuess("en", min(1.0, 0.5 + counts["latin"] / (2 * letters)), "latin")
    if stt and stt != guess.lang and stt_conf >= STT_TRUST and guess.confidence < stt_conf:
        # Weak text evidence (all-Han, a name in Latin letters) loses to a confident STT.
        compatible = {"ja": ("han",), "zh": ("han",), "en": ("latin",)}.get(stt, ())
        if guess.reason in compatible or guess.reason == "han":
            return LanguageGuess(stt, stt_conf, f"stt-over-{guess.reason}")
    if guess.lang not in enabled:
        return LanguageGuess(stt or default, guess.confidence, f"{guess.reason}-not-enabled")
    return guess
