"""Japanese: one of the kiosk's languages (`languages.registry`)."""

from __future__ import annotations

import re

from languages.ja import sounds, speech, templates, words
from languages.registry import Language

LANGUAGE = Language(
    code="ja",
    name="Japanese",
    native_name="日本語",
    scripts=("kana", "han"),
    whisper="ja",
    espeak_voice="ja",
    word_spaced=False,
    normalize=speech.normalize_ja,
    read_number=speech.ja_number,
    sentence_end=re.compile(r"(?<=[。！？!?])\s*"),
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
    common_words=words.COMMON_WORDS,
    said_sound=sounds.said_sound,
    ends_mid_sentence=sounds.ends_mid_sentence,
    reply_fold=sounds.reply_folded,
    name_endings=words.NAME_ENDINGS,
    spoken_chars_per_second=4.0,
    place_heads=words.PLACE_HEADS,
    place_prefixes=words.PLACE_PREFIXES,
    sample="駅",
)
