"""What a question says, as text: normalisation, keyword matching, line mentions, and the
chunks that name a place ("what line is X on", "to X"). `understand.py` turns these into an
`Understood`; the grounding check reads answers with the same `normalise` and `LineFinder`.
"""

from __future__ import annotations

import re
import unicodedata

import languages
from knowledge.answers.types import Intent
from knowledge.lines import Line, LineRegistry, line_key
from knowledge.records import StationMatch


def normalise(text: str) -> str:
    """NFKC (full-width digits and Latin to ASCII), NFC Hangul, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


def matches(text: str, lang: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """Keywords of `table[lang]` found in normalised `text`, the language's way
    (`Language.keyword_matching`): regex at a word start, substring, or a Korean substring that
    may demand a word end (`_ko_keyword_in`)."""
    language = languages.find(lang)
    found = {
        "word-regex": lambda kw: re.search(r"\b" + kw, text) is not None,
        "hangul-word-end": lambda kw: _ko_keyword_in(kw.lower(), text),
    }.get(language.keyword_matching if language else "", lambda kw: kw.lower() in text)
    return [kw for kw in table.get(lang, ()) if found(kw)]


# A Korean keyword written with a trailing `\b` must end a word, particles allowed after it:
# "어떤 선\b" matches "어떤 선이" (which line) but not "어떤 선택" (which choice).
_KO_WORD_END = re.compile(r"(?:[^가-힣]|$|이|을|은|는|도|만|으로|로|에|요|이에요|인가요)")


def _ko_keyword_in(kw: str, text: str) -> bool:
    if not kw.endswith("\\b"):
        return kw in text
    kw = kw[:-2]
    start = text.find(kw)
    while start >= 0:
        if _KO_WORD_END.match(text, start + len(kw)):
            return True
        start = text.find(kw, start + 1)
    return False


class LineFinder:
    """Finds line mentions (`2호선`, `Line 2`, `신분당선`, `Shinbundang`) in a question."""

    def __init__(self, registry: LineRegistry | None = None) -> None:
        self.registry = registry or LineRegistry()
        names: list[tuple[str, Line]] = []
        for line in self.registry.all():
            if line.id.isdigit():
                continue  # numbered lines are found by the per-language patterns
            for name in line.names.values():
                names.append((line_key(name), line))
                for suffix in ("선", "line", "线", "線"):
                    short = line_key(name)
                    if short.endswith(suffix) and len(short) - len(suffix) >= 3:
                        names.append((short[: -len(suffix)], line))
        self._named = sorted(
            {(k, ln.id): (k, ln) for k, ln in names if k}.values(), key=lambda kv: -len(kv[0])
        )

    def find(self, text: str, lang: str) -> list[Line]:
        found: list[tuple[int, Line]] = []
        for pattern in {
            language_pattern(lang, "numbered_line"),
            language_pattern("en", "numbered_line"),
        }:
            for m in re.finditer(pattern, text):
                line_id = str(int(m.group(1)))
                if line_id.isdigit() and 1 <= int(line_id) <= 9:
                    found.append((m.start(), self.registry.get(line_id)))
        key = line_key(text)
        taken: list[tuple[int, int]] = []
        for name, line in self._named:
            start = key.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(s < end and start < e for s, e in taken):
                    taken.append((start, end))
                    found.append((start * 1000, line))  # positions in the key: order only
                start = key.find(name, end)
        seen: dict[str, Line] = {}
        for _, line in sorted(found, key=lambda x: x[0]):
            seen.setdefault(line.id, line)
        return list(seen.values())


def language_pattern(lang: str, name: str) -> str:
    """One of the language's understanding regexes (`Language.patterns`): `station_mark` (a
    station seems to be named: worth the slower fuzzy search when no exact name was found),
    `destination`, `numbered_line`, `exit_number`, `place` (where a lines question names its
    station). A language without one never matches it."""
    return languages.get(lang).patterns.get(name, r"(?!x)x")


def destination_chunk(question: str, lang: str) -> str | None:
    """The words naming the destination ("to Hongik University"), for single-name resolution."""
    text = unicodedata.normalize("NFKC", question).strip()
    found = list(re.finditer(language_pattern(lang, "destination"), text, flags=re.IGNORECASE))
    return next(g for g in found[-1].groups() if g).strip() if found else None


def place_chunk(question: str, lang: str, hits: dict[Intent, list[str]]) -> str | None:
    """Where the question puts a station name ("what line is X on", "to X"), if it does."""
    text = unicodedata.normalize("NFKC", question).strip()
    if m := re.search(language_pattern(lang, "place"), text, flags=re.IGNORECASE):
        return next(g for g in m.groups() if g).strip()
    if hits[Intent.ROUTE]:  # "ゴッサムシティまで何線": a weak route word still marks a place
        return destination_chunk(question, lang)
    return None


def says_here(question: str, lang: str) -> bool:
    """A word for here in the question: inside a word in Korean, Japanese and Chinese, which
    glue particles on ("여기서", "この駅で") or use no spaces; a whole word in English, where
    "this" says so only at the end of a sentence ("What line is this? It's known.") or before
    a word for a station ("this stop", "Is this Line 2?"). Whisper writes "this" inside names
    it did not know ("What line this by our by our grandma?" was Byeollae Byeolgaram), and
    "this way" asks the way."""
    text = question.lower()
    here = languages.get(lang).here_words
    if any(h in text for h in here if not h.isascii()):
        return True
    for sentence in re.split(r"[.?!]+", text):
        words = re.findall(r"[\w'’-]+", sentence)
        for i, word in enumerate(words):
            if word == "this" and i + 1 < len(words) and words[i + 1] not in _THIS_POINTS_AT:
                continue
            if word in here:
                return True
    return False


_THIS_POINTS_AT = frozenset("station stop one line place platform".split())
"""Words after "this" that make it the kiosk's own station."""


def is_here(chunk: str, lang: str, text: str = "") -> bool:
    """A chunk that names the kiosk's own station, or no place at all. With the question's
    normalised `text`, a chunk cut from a word for here (这一 of 这一站, の駅 of この駅) is one."""
    language = languages.get(lang)
    words = normalise(chunk)
    said = words.split()
    here = any((h in said) if h.isascii() else (h in words) for h in language.here_words)
    return here or all(w in language.common_words for w in said) or _inside_here(words, text, lang)


def _inside_here(chunk: str, text: str, lang: str) -> bool:
    start = text.find(chunk) if chunk else -1
    if start < 0:
        return False
    for word in languages.get(lang).here_words:
        at = text.find(word)
        while at >= 0:
            if at < start + len(chunk) and start < at + len(word):
                return True
            at = text.find(word, at + 1)
    return False


def latin_word_match(m: StationMatch, text: str) -> bool:
    """A Latin-script exact/alias match must cover whole words of the question: `Oido` is not
    in "how do i transfer" even though the letters run together without spaces."""
    alias = re.sub(r"[^a-z0-9 ]+", " ", normalise(m.matched)).split()
    if not alias or m.method == "fuzzy" or not "".join(alias).isascii():
        return True
    words = re.sub(r"[^a-z0-9 ]+", " ", text).split()
    joined = "".join(alias)
    for i in range(len(words)):
        acc = ""
        for w in words[i:]:
            acc += w
            if acc == joined or acc == joined + "station":
                return True
            if not joined.startswith(acc):
                break
    return False
