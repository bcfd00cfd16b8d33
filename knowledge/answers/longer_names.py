"""A station name inside a longer place name is not that station: "Yeouido Hangang Park" is at
Yeouinaru, "Dong Seoul Bus Terminal" at Gangbyeon, ソウル大公園 at Daegongwon.

Answering for the station whose name the place contains sends the passenger to the wrong
station, the one unforgivable answer. So a mention followed by a place noun (park, market,
university, 公园, 大学, 공원, 시장 ...) or preceded by a direction word (Dong, East ...) is
dropped, and the whole place is what the kiosk says it does not know, unless the place is
itself a name of a station or a place name in the data (then it was matched whole, and no
longer name is left around it).
"""

from __future__ import annotations

import re

import languages
from knowledge.lines import LineRegistry

_LINES = LineRegistry()


def _line_follows(text: str) -> bool:
    """`text` starts with a line's name: "공항철도", "AREX Airport Railroad" are no places."""
    return _LINES.prefix(text) is not None


def longer_place(alias: str, text: str, lang: str) -> str | None:
    """The longer place name around the station name `alias` in `text` (both normalised the
    same way), or None when the name stands on its own."""
    language = languages.get(lang)
    pos = text.find(alias)
    if pos < 0 or not alias:
        return None
    end = pos + len(alias)
    after = text[end:]
    for ending in sorted(language.name_endings, key=len, reverse=True):
        if after.lstrip().startswith(ending) and not language.word_spaced:
            return None  # "汝矣岛站公园" is not a thing passengers say: the name ended at 站
    if language.word_spaced:
        return _spaced(text, pos, end, language)
    if _line_follows(after):
        return None
    for head in language.place_heads:
        if after.startswith(head):
            return text[pos : end + len(head)]
    return None


def _spaced(text: str, pos: int, end: int, language: languages.Language) -> str | None:
    """Word-spaced languages: a place noun among the words right after the name (until an
    everyday word such as `to` or `station`), or a direction word right before it."""
    before = text[:pos].split()
    start = pos
    if before and before[-1] in language.place_prefixes:
        start = pos - len(before[-1]) - 1
    stop = language.common_words | frozenset(language.here_words)
    last = end
    for n, word in enumerate(re.finditer(r"[^\s,.?!]+", text[end:])):
        if word[0] in stop or n >= 4 or _line_follows(text[end + word.start() :]):
            break
        if any(word[0].startswith(h) for h in language.place_heads):
            last = end + word.end()  # "Jamsil Lake Park": up to the last place noun
    if last > end or start != pos:
        return text[max(start, 0) : last].strip()
    return None
