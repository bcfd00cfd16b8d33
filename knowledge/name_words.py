"""The words around station names, gathered from the language registry: name endings (역, 站,
駅 and Korean particles) and everyday question words, by the script they are written in."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import languages


@dataclass(frozen=True, slots=True)
class NameWords:
    """The registry's name endings and question words, by the script they are written in."""

    hangul_endings: tuple[str, ...]
    cjk_endings: tuple[str, ...]
    hangul_tail: re.Pattern[str]
    latin_common: frozenset[str]
    hangul_common: frozenset[str]


@functools.cache
def _words_for(version: int) -> NameWords:
    def endings(*scripts: str) -> tuple[str, ...]:
        found = {
            e
            for lang in languages.all()
            if set(scripts) & set(lang.scripts)
            for e in lang.name_endings
        }
        return tuple(sorted(found, key=lambda e: (-len(e), e)))  # longest first

    def common(script: str) -> frozenset[str]:
        return frozenset(
            w for lang in languages.all() if script in lang.scripts for w in lang.common_words
        )

    hangul = endings("hangul")
    return NameWords(
        hangul_endings=hangul,
        cjk_endings=endings("han", "kana"),
        hangul_tail=re.compile(r"^(역)?(" + "|".join(map(re.escape, hangul)) + r")*$"),
        latin_common=common("latin"),
        hangul_common=common("hangul"),
    )


def name_words() -> NameWords:
    """The current registry's words (cached per registry version)."""
    return _words_for(languages.version())
