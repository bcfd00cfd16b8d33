"""The language registry: each language the kiosk speaks is declared once, as a `Language`.

Everything that differs by language (keywords, templates, number reading, voices) lives in that
language's folder (`languages/ko/`, ...); the rest of the kiosk iterates `codes()` or asks
`get(code)`, so adding a language is one folder and nothing else. Tables derived from the
registry at import time would miss a language registered later: consumers look up at call time
or cache on `version()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

KEYWORD_MATCHING = ("word-regex", "substring", "hangul-word-end")
"""How a language's keywords are found in a question: English entries are regexes anchored at a
word start; Chinese and Japanese have no word spacing (substrings); Korean substrings may demand
a word end (`어떤 선\\b`)."""


@dataclass(frozen=True, slots=True)
class Language:
    """What the kiosk needs to understand, answer and speak one language."""

    code: str
    """ISO 639-1, as used in config, the KB (`name_ko`) and the CLI."""
    name: str
    """English name, for operators."""
    native_name: str
    scripts: tuple[str, ...]
    """Scripts its questions are written in (`languages.scripts`)."""
    whisper: str
    """Whisper's language code."""
    espeak_voice: str
    """espeak-ng voice, the fallback when no Piper voice is installed."""
    word_spaced: bool
    """Words separated by spaces (WER, not CER, when measuring recognition)."""
    normalize: Callable[[str], str]
    """Answer text -> the words a station announcer would say (numbers, times, fares)."""
    read_number: Callable[[int], str]
    sentence_end: re.Pattern[str]
    """Where a sentence ends, so speech can start after the first one."""
    templates: Mapping[str, str]
    """Spoken-answer templates by key (`lines`, `route_direct`, ...)."""
    keywords: Mapping[str, tuple[str, ...]]
    """Question keywords per intent, keyed by the intent's value (`lines`, `fare`, ...)."""
    cues: Mapping[str, tuple[str, ...]]
    """Other question words: slower, in_scope, first, last, follow_up, weak_route."""
    patterns: Mapping[str, str]
    """Understanding regexes: station_mark, destination, numbered_line, exit_number."""
    keyword_matching: str = "substring"
    join: tuple[str, str] = (", ", " and ")
    """List separator and the word before the last item."""
    days: Mapping[str, str] = field(default_factory=dict)
    """Timetable day names: weekday, saturday, holiday."""
    exit_word: str = "{n}"
    platform_toward: str = "{toward} {door}"
    phrases: Mapping[str, str] = field(default_factory=dict)
    """Renderings of the public files' Korean location and walking-step phrases, by rule."""
    kind_words: Mapping[str, str] = field(default_factory=dict)
    """Operator fact kinds (exit, toilet, ...) as this language names them."""
    origin_after: tuple[str, ...] = ()
    """Particles after a station that make it the origin (`에서`, `から`)."""
    origin_before: tuple[str, ...] = ()
    """Words before a station that make it the origin (`from`, `从`)."""
    here_words: tuple[str, ...] = ()
    """Words for the kiosk's own station (`here`, `여기`): a place slot holding one names no
    other station."""
    spoken_chars_per_second: float = 12.0
    """How fast its voice says the normalised answer text, to keep a spoken answer within the
    ear's budget (`knowledge/answers/ear.py`); measured on the default voices."""
    place_heads: tuple[str, ...] = ()
    """Nouns that make a station name part of a longer place name (`park`, `公园`, `시장`):
    "Yeouido Hangang Park" is not Yeouido station (`knowledge/answers/longer_names.py`)."""
    place_prefixes: tuple[str, ...] = ()
    """Words before a station name that make it another place (`dong` in "Dong Seoul")."""
    fold: Callable[[str], str] = str
    """Folds a question's variant script into the one its keywords are written in
    (Traditional into Simplified Chinese); the identity elsewhere."""
    sample: str = ""
    """A short word to check that a voice speaks (`안녕하세요`)."""
    name_endings: tuple[str, ...] = ()
    """What may follow a station name inside a question and is not part of it: Korean
    particles (`에서`, `까지`), `站`, `駅`. Station-name matching strips them."""
    common_words: frozenset[str] = frozenset()
    """Everyday question words (`how`, `어디`). A span made of them is never fuzzy-matched to
    a station name: the spelling-insensitive keys are lossy ("How do I" ~ Oido)."""
    reply_fold: Callable[[str], str] = str
    """Folds a short reply before it is read as yes or no (Japanese: ハイ and はーい are はい)."""
    ends_mid_sentence: Callable[[str], bool] | None = None
    """Whether a transcript stops where a sentence cannot (Japanese: on a particle,
    "ノッポンエキに"): the speaker paused, and the next utterance is the rest."""
    said_sound: Callable[[str], str] | None = None
    """How a name said back sounds, where its script hides it (Japanese: "どんでもです" is
    like トンデムン), to tell which offered name a reply says; None: Latin keys only."""

    def __post_init__(self) -> None:
        if self.keyword_matching not in KEYWORD_MATCHING:
            raise ValueError(f"{self.code}: keyword_matching must be one of {KEYWORD_MATCHING}")


_LANGUAGES: dict[str, Language] = {}
_version = 0


def register(language: Language) -> None:
    """Add (or replace) a language; the order of first registration is the order of `codes()`."""
    global _version
    _LANGUAGES[language.code] = language
    _version += 1


def unregister(code: str) -> None:
    """Remove a language (tests that register a toy language restore the registry with it)."""
    global _version
    del _LANGUAGES[code]
    _version += 1


def get(code: str) -> Language:
    try:
        return _LANGUAGES[code]
    except KeyError:
        known = ", ".join(_LANGUAGES)
        raise KeyError(f"unknown language {code!r}: registered are {known}") from None


def find(code: str | None) -> Language | None:
    """The language, or None for an unknown code (callers with a fallback)."""
    return _LANGUAGES.get(code or "")


def codes() -> tuple[str, ...]:
    return tuple(_LANGUAGES)


def all() -> tuple[Language, ...]:
    return tuple(_LANGUAGES.values())


def version() -> int:
    """Changes whenever the registry does: a cache key for tables derived from it."""
    return _version
