"""Korean: one of the kiosk's languages (`languages.registry`)."""

from __future__ import annotations

import re

from languages.ko import speech, templates, words
from languages.registry import Language

LANGUAGE = Language(
    code="ko",
    name="Korean",
    native_name="한국어",
    scripts=("hangul",),
    whisper="ko",
    espeak_voice="ko",
    word_spaced=True,
    normalize=speech.normalize_ko,
    read_number=speech.ko_number,
    sentence_end=re.compile(r"(?<=[.!?。])\s+"),
    templates=templates.TEMPLATES,
    keywords=words.KEYWORDS,
    cues=words.CUES,
    patterns=words.PATTERNS,
    keyword_matching="hangul-word-end",
    join=templates.JOIN,
    days=templates.DAYS,
    exit_word=templates.EXIT_WORD,
    platform_toward=templates.PLATFORM_TOWARD,
    phrases=templates.PHRASES,
    kind_words=templates.KIND_WORDS,
    origin_after=words.ORIGIN_AFTER,
    origin_before=words.ORIGIN_BEFORE,
    here_words=words.HERE_WORDS,
    name_endings=words.NAME_ENDINGS,
    common_words=words.COMMON_WORDS,
    spoken_chars_per_second=6.5,
    place_heads=words.PLACE_HEADS,
    place_prefixes=words.PLACE_PREFIXES,
    sample="안녕하세요",
)
