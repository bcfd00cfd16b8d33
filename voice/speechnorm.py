"""Text normalisation for speech: numbers, line names, exits, times and fares, per language.

TTS voices read digits unreliably ("2호선" as "two ho-seon", "05:30" as "zero five thirty"), and
espeak-ng's Japanese voice reads kana far better than kanji. So the answer text is rewritten into
the words a station announcer would say before it reaches a voice; each language's rules live
in its folder (`languages/ko/speech.py`, ...) and are found through the language registry. Also
splits text into sentences so synthesis can start speaking after the first one.
"""

from __future__ import annotations

import re
import unicodedata

import languages
from languages.en.speech import en_number, en_ordinal
from languages.ja.speech import ja_number
from languages.ko.speech import ko_native, ko_number
from languages.zh.speech import zh_number

__all__ = [
    "en_number",
    "en_ordinal",
    "ja_number",
    "ko_native",
    "ko_number",
    "normalize",
    "split_sentences",
    "zh_number",
]
"""The number readers stay importable from here for the callers that spell numbers."""

_FALLBACK = "en"
"""A code no language is registered for is read (and split) as English."""


def _language(lang: str) -> languages.Language:
    return languages.find(lang) or languages.get(_FALLBACK)


def normalize(text: str, lang: str) -> str:
    """Rewrite `text` into speakable words for `lang`; NFC in, NFC out."""
    text = unicodedata.normalize("NFC", text)
    text = unicodedata.normalize("NFC", _language(lang).normalize(text))
    return re.sub(r"[ \t]+", " ", text).strip()


FIRST_PART_MAX_CHARS = 40
"""A first sentence longer than this is spoken in clauses: the passenger hears the start of
the answer after one clause is synthesised, not the whole sentence (a route's first sentence
takes Piper ~1.5 s)."""
_CLAUSE_END = re.compile(r"(?<=[,，、：:;；])\s*")


def split_sentences(text: str, lang: str) -> list[str]:
    """Split into sentences so the first can be spoken while the rest is synthesised; a long
    first sentence is split further at its first clause break."""
    parts = [p.strip() for p in _language(lang).sentence_end.split(text.strip())]
    parts = [p for p in parts if p]
    if parts and len(parts[0]) > FIRST_PART_MAX_CHARS:
        head, *rest = _CLAUSE_END.split(parts[0], maxsplit=1)
        if rest and rest[0].strip() and len(head) >= 8:
            parts[0:1] = [head.strip(), rest[0].strip()]
    return parts
