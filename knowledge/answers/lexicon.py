"""Keyword tables across languages: the words passengers use for each thing they ask a kiosk.

The words themselves live in each language's folder (`languages/ko/words.py`, ...); this module
gathers them per intent over the registered languages, rebuilt when the registry changes.
Matching is on NFKC-normalised, lower-cased text; how depends on the language
(`Language.keyword_matching`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import languages
from knowledge.answers.types import Intent

KEYWORD_INTENTS: tuple[Intent, ...] = (
    Intent.REFUSED,
    Intent.REPEAT,
    Intent.NOTICES,
    Intent.LOST_FOUND,
    Intent.LOCKER,
    Intent.PHONE,
    Intent.FARE,
    Intent.FIRST_LAST,
    Intent.TRANSFER,
    Intent.ELEVATOR,
    Intent.TOILET,
    Intent.EXIT,
    Intent.ROUTE,
    Intent.LINES,
    Intent.OUT_OF_SCOPE,
)
"""Intents recognised by keywords, in the order their hits are reported."""

CUES: tuple[str, ...] = (
    "slower",
    "in_scope",
    "first",
    "last",
    "follow_up",
    "yes",
    "no",
    "weak_route",
    "which_way",
)
"""Other word lists a language declares (`Language.cues`): "slower, please"; words that make an
otherwise unrecognised question a station question (no_information, not out_of_scope, when the
KB has nothing); first/last train; follow-up openers ("and the last train?"); yes and no
(the answer to "Did you mean Yeouido?"); route words that
also occur in other questions ("지나가는 호선"), which alone do not make a lines question into a
route question; "which way" words ("어디로", "which way") that, with only a line named, ask for
the way to that line's platform here."""

Table = dict[str, tuple[str, ...]]
"""Language code -> words."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    keywords: dict[Intent, Table]
    cues: dict[str, Table]


def lexicon() -> Lexicon:
    """The tables over every registered language (cached until a language is registered)."""
    return _build(languages.version())


@lru_cache(maxsize=2)
def _build(_version: int) -> Lexicon:
    langs = languages.all()
    return Lexicon(
        keywords={
            i: {lg.code: lg.keywords.get(i.value, ()) for lg in langs} for i in KEYWORD_INTENTS
        },
        cues={c: {lg.code: lg.cues.get(c, ()) for lg in langs} for c in CUES},
    )


INTENT_ORDER: tuple[Intent, ...] = (
    Intent.REFUSED,
    Intent.REPEAT,
    Intent.LOST_FOUND,
    Intent.LOCKER,
    Intent.PHONE,
    Intent.FIRST_LAST,
    Intent.FARE,
    Intent.TRANSFER,
    Intent.ELEVATOR,
    Intent.TOILET,
    Intent.EXIT,
    Intent.ROUTE,
    Intent.LINES,
)
"""Most specific first: "last train to Jamsil" is about the last train, not the route."""
