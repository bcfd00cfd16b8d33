"""English: one of the kiosk's languages (`languages.registry`)."""

from __future__ import annotations

import re

from languages.en import speech, templates, words
from languages.registry import Language

LANGUAGE = Language(
    code="en",
    name="English",
    native_name="English",
    scripts=("latin",),
    whisper="en",
    espeak_voice="en-us",
    word_spaced=True,
    normalize=speech.normalize_en,
    read_number=speech.en_number,
    sentence_end=re.compile("(?<=[.!?])\\s+(?=[A-Z\\\"'(])"),
    templates=templates.TEMPLATES,
    keywords=words.KEYWORDS,
    cues=words.CUES,
    patterns=words.PATTERNS,
    keyword_matching="word-regex",
    join=templates.JOIN,
    days=templates.DAYS,
    exit_word=templates.EXIT_WORD,
    platform_toward=templates.PLATFORM_TOWARD,
    phrases=templates.PHRASES,
    kind_words=templates.KIND_WORDS,
    origin_after=words.ORIGIN_AFTER,
    origin_before=words.ORIGIN_BEFORE,
    here_words=words.HERE_WORDS,
    common_words=words.COMMON_WORDS,
    spoken_chars_per_second=15.0,
    place_heads=words.PLACE_HEADS,
    place_prefixes=words.PLACE_PREFIXES,
    sample="Hello",
)
