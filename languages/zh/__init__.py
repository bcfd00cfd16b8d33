"""Chinese: one of the kiosk's languages (`languages.registry`)."""

from __future__ import annotations

import re

from languages.registry import Language
from languages.zh import script, speech, templates, words

LANGUAGE = Language(
    code="zh",
    name="Chinese",
    native_name="中文",
    scripts=("han",),
    whisper="zh",
    # Not plain `cmn`: Debian's (1.51) reads each syllable's pinyin tone digit aloud in English.
    espeak_voice="cmn-latn-pinyin",
    word_spaced=False,
    normalize=speech.normalize_zh,
    read_number=speech.zh_number,
    sentence_end=re.compile(r"(?<=[。！？!?；])\s*"),
    templates=templates.TEMPLATES,
    keywords=words.KEYWORDS,
    cues=words.CUES,
    patterns=words.PATTERNS,
    keyword_matching="substring",
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
    spoken_chars_per_second=3.5,
    fold=script.to_simplified,
    place_heads=words.PLACE_HEADS,
    place_prefixes=words.PLACE_PREFIXES,
    sample="你好",
)
