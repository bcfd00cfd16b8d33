"""Where a heard English sentence holds a station name, or the words Whisper wrote for one.

Whisper base writes a Korean station name it does not know as English words ("your widow"
for Yeouido) or drops it ("Where is the elevator at the station?"). These rules find the words
a name could stand for, for the name check (`kiosk.name_check`) to re-score against the audio.
"""

from __future__ import annotations

import re

import languages
from knowledge.answers.offers import NAME_LIKENESS
from knowledge.textnorm import latin_key, name_key, similarity, spelled_out

SLOT_WORDS = re.compile(r"[A-Za-z][\w'’-]*|\d+")
NAME_WORDS = re.compile(r"[A-Za-z]+")
NOT_A_NAME = frozenset("station stop subway metro line lines exit elevator".split())
AROUND_A_NAME = frozenset("to at from for in on of the a an and or is are get go do".split())


def spans(text: str, longest: int = 4) -> set[str]:
    """Runs of 1-`longest` words that could be a misheard name: hyphens split words
    ("Sagae-yong"), a run holds no word that is never part of one ("station", "line"), one
    word at least that the question's own words do not explain ("go" is not Guui), and does
    not start or end with a word the sentence needs around a name ("to Hangaik University"
    read as "Dongguk University" dropped the "to", and the shorter sentence won)."""
    words = NAME_WORDS.findall(text)
    common = languages.get("en").common_words
    runs: set[str] = set()
    for i in range(len(words)):
        for n in range(1, longest + 1):
            run = words[i : i + n]
            if len(run) < n or any(w.lower() in NOT_A_NAME for w in run):
                break
            edges = {run[0].lower(), run[-1].lower()}
            if any(w.lower() not in common for w in run) and not edges & AROUND_A_NAME:
                runs.add(" ".join(run))
    return {r for r in runs if len(latin_key(r)) >= 2}


def prompted_names(prompt: str | None) -> set[str]:
    """Name keys of the stations listed in Whisper's prompt ("Seoul subway stations: A, B")."""
    if not prompt:
        return set()
    return {name_key(n) for n in re.split(r"[,、:：]", prompt)[1:]}


def put_name(text: str, slot: str, name: str) -> str | None:
    """`text` with the words of `slot` replaced by `name`, whatever joins them in the text
    ("Sagae yong" is "Sagae-yong" there, "daughter s" is "daughter's"); None if not there."""
    found = _slot_in(text, slot)
    return text[: found.start()] + name + text[found.end() :] if found else None


def words_around(text: str, slot: str) -> tuple[str, str] | None:
    """The text before and after the `slot` words, or for a dropped name ("" slot) around the
    words between where the question puts a station and its "station" ("…elevator at | the |
    station?"); None when neither is there."""
    if slot:
        found = _slot_in(text, slot)
        return (text[: found.start()], text[found.end() :]) if found else None
    found = _UNNAMED_STATION.search(text)
    return (text[: found.start(1)], text[found.end(1) :]) if found else None


def put_between(before: str, name: str, after: str) -> str:
    """`name` between two parts of a sentence, one space on each side where words meet."""
    tail = after.lstrip()
    joint = " " if tail[:1].isalnum() else ""
    return f"{before.rstrip()} {name}{joint}{tail}"


def _slot_in(text: str, slot: str) -> re.Match[str] | None:
    """The first place `slot`'s words stand in `text`, whatever joins them, as whole words."""
    words = r"[^A-Za-z0-9]+".join(re.escape(w) for w in slot.split())
    return re.search(rf"(?<![A-Za-z0-9]){words}(?![A-Za-z0-9])", text, flags=re.IGNORECASE)


def unglued(text: str) -> str:
    """ "Station" written apart from the name Whisper glued it to ("Which lines go to
    Jongkestation?"), so the name's words can be replaced by a station's name."""
    return re.sub(r"\b([A-Za-z][a-z]+?)(station)\b", r"\1 \2", text)


def trim(place: str) -> str:
    """The heard place without a trailing "station" (the sentence keeps its own) and without
    the words around a name the rules took in with it ("Sonson from" of "to Sonson from
    here"): the sentence must keep them when a name replaces the place."""
    words = re.sub(r"(?i)[\s-]*station$", "", place.strip()).split()
    while len(words) > 1 and words[-1].lower() in AROUND_A_NAME:
        words.pop()
    while len(words) > 1 and words[0].lower() in AROUND_A_NAME:
        words.pop(0)
    return " ".join(words) or place


def closest_span(text: str, name: str) -> str:
    """The run of 1-3 words in `text` that looks most like `name` (a fuzzy match's words)."""
    words = [w for w in SLOT_WORDS.findall(text) if w.lower() not in NOT_A_NAME]
    spans = [" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)]
    key = latin_key(name)
    return max(spans, key=lambda s: similarity(latin_key(s), key), default=name)


def _here_words(lang: str) -> set[str]:
    """The words that say the kiosk's own station ("here", "this"), in Latin script."""
    return {w for w in languages.get(lang).here_words if w.isascii() and " " not in w}


def proper_name(text: str, lang: str) -> str | None:
    """A capitalised run of words inside the sentence that no rule explains: Whisper writes
    the name it could not place as a proper noun ("your own Gongpo market"), and a question
    with one is not about the kiosk's own station."""
    common = languages.get(lang).common_words | NOT_A_NAME | {"i", "seoul", "korea", "korean"}
    words = SLOT_WORDS.findall(text)
    for i, word in enumerate(words[1:], start=1):
        if word[0].isupper() and word.lower() not in common:
            run = [word]
            for nxt in words[i + 1 : i + 3]:
                if not nxt[0].isupper() or nxt.lower() in common:
                    break
                run.append(nxt)
            return " ".join(run)
    return None


def with_unexplained_neighbours(text: str, name: str, lang: str) -> str | None:
    """`name` with the words next to it that no rule explains ("Yujongbu City Hall", "Seoul
    calling"), or None when its neighbours are ordinary question words."""
    m = re.search(re.escape(name), text, flags=re.IGNORECASE)
    if m is None:
        return None
    common = languages.get(lang).common_words | NOT_A_NAME
    before = SLOT_WORDS.findall(text[: m.start()])[-1:]
    after = SLOT_WORDS.findall(text[m.end() :])[:1]
    odd = [w for w in (*before, *after) if w.lower() not in common and not w.isdigit()]
    if not odd:
        return None
    start = m.start() - len(before[0]) - 1 if before and before[0] in odd else m.start()
    end = m.end() + 1 + len(after[0]) if after and after[0] in odd else m.end()
    span = text[max(0, start) : end].strip(" ,.?!")
    return span if span.lower() != name.lower() else None


_WORDS = re.compile(r"[\w'’-]+")
_ARTICLES = (["the"], ["a"], ["an"])
_BEFORE_A_PLACE = frozenset("at to from on in near toward towards".split())
"""Words after which a question puts a station: "at X", "to the X"."""
_UNNAMED_STATION = re.compile(
    rf"(?i)\b(?:{'|'.join(sorted(_BEFORE_A_PLACE - {'in'}))})\b([^.?!]*?)\bstations?\b"
)
"""The words between where a question puts a station and its "station" ("at | the |
station"); "in the station" is here."""
_BEFORE_A_LAST_PLACE = frozenset("is are do does and stop stops stopped go goes".split())
"""Words Whisper leaves before a name it wrote as other words at the end of the question
("What line is 10G on-man?", "Which line stops Edel?", "Which lines have stopped using?");
inside a sentence they are ordinary ("Where is the nearest toilet?")."""


def dropped_place(text: str, lang: str) -> str | None:
    """The words standing where the question puts a station that no rule explains ("Which
    lines tops at G-O-B-Y-On?"), "" for a station named by no word at all ("Where is the
    elevator at the station?": the name was dropped), or None when nothing stands there (a
    question about here: "Is there an elevator in this station?")."""
    words = _WORDS.findall(text)
    explained = languages.get(lang).common_words | NOT_A_NAME
    here = _here_words(lang)
    for i, word in enumerate(words):
        before = word.lower()
        if before not in _BEFORE_A_PLACE and before not in _BEFORE_A_LAST_PLACE:
            continue
        start = i + 2 if [w.lower() for w in words[i + 1 : i + 2]] in _ARTICLES else i + 1
        run = []
        for nxt in words[start : start + 4]:
            if ends_a_place(nxt):
                break
            run.append(nxt)
        while run and run[-1].lower() in explained:
            run.pop()
        # Whisper splits a name into ordinary words and others ("at my innmok" for Myeonmok):
        # a run is a place when a word in it is no ordinary word, and none says here ("at
        # this stage").
        said = {w.lower() for w in run}
        if said <= explained | _POINTING or said & here:
            run = []
        after = [w.lower() for w in words[start + len(run) : start + len(run) + 3]]
        last = not after or after[0] == "on"
        # "Which lines go the bar and park stations?" (Boramae Park): a station follows.
        station = bool({"station", "stations"} & set(after)) and not here & set(after)
        if run and (before in _BEFORE_A_PLACE or last or station):
            return " ".join(run)
        if before in _BEFORE_A_PLACE - {"in"} and _station_unnamed(words[i + 1 : i + 5], lang):
            return ""
    return _named_by_common_words(words, here)


_POINTING = frozenset("it its that nearest next closest previous last first same other".split())
"""Words before "station" or in "What line is … on?" that point at a station, not name one."""
_BEFORE_STATION_STOPS = (
    {"the", "a", "an", "which", "what", "where", "how", "line's", "lines", "line"}
    | _BEFORE_A_PLACE | _BEFORE_A_LAST_PLACE | NOT_A_NAME
)  # fmt: skip


def _named_by_common_words(words: list[str], here: set[str]) -> str | None:
    """A place Whisper wrote as ordinary words where only a station fits: "What line does go
    say it on?" (Gosaek), "…got a ticket or media service station?" (Digital Media City). A
    question about here says so ("this station", "What line is it on?")."""
    lowered = [w.lower() for w in words]
    if len(lowered) > 3 and lowered[-1] == "on" and lowered[1] in ("line", "lines"):
        run = lowered[3:-1]  # "What line is | … | on"
        run = run[1:] if run[:1] in _ARTICLES else run
        said = set(run) - NOT_A_NAME
        if said and not said & here and not said <= _POINTING:
            return " ".join(words[len(words) - 1 - len(run) : -1])
    for j, word in enumerate(lowered):
        if word not in ("station", "stations"):
            continue
        start = j
        while start > max(0, j - 4) and lowered[start - 1] not in _BEFORE_STATION_STOPS:
            start -= 1
        run = set(lowered[start:j])
        if run and not run & here and not run <= _POINTING:
            return " ".join(words[start:j])
    return None


def ends_a_place(word: str) -> bool:
    """A word no station name holds, or one that comes after a name ("station's", "from")."""
    bare = re.sub(r"['’]s$", "", word.lower())
    return bare in AROUND_A_NAME or bare in NOT_A_NAME or bare.removesuffix("s") in NOT_A_NAME


def _station_unnamed(following: list[str], lang: str) -> bool:
    """ "the station", "from the out station" after "at": a station named by no word (the
    name was dropped), unless a word says here ("this station"; "in the station" is here)."""
    said = [w.lower() for w in following]
    stop = next((n for n, w in enumerate(said) if w in ("station", "stations")), None)
    here = _here_words(lang)
    return stop is not None and not here & set(said[:stop])


def names_apart(reply: str, lang: str, chosen: str, offered: list[str]) -> bool:
    """The reply's words are like the `chosen` offered name in what sets it apart from the
    others (words two of them share, "University", say nothing), and less like every other:
    "Hanik University." names neither Hanyang Univ. nor Hongik Univ."""
    sound = languages.get(lang).said_sound
    if sound is not None:  # Japanese: "どんでもです" names トンデムン, not トンミョアプ
        heard = sound(reply)
        own, others = sound(chosen), [sound(name) for name in offered if name != chosen]
    else:
        heard, own, others = _apart_keys(reply, lang, chosen, offered)
    like = similarity(heard, own)
    return like >= NAME_LIKENESS and all(similarity(heard, other) < like for other in others)


def _apart_keys(
    reply: str, lang: str, chosen: str, offered: list[str]
) -> tuple[str, str, list[str]]:
    """Keys of the reply's words, of the chosen name and of each other offered name, without
    the words two offered names share. The reply's ordinary words ("station") are dropped
    unless the chosen name holds them ("Seoul Station." is Seoul Station)."""
    words = [_name_words(name) for name in offered]
    shared = {w for ws in words for w in ws if sum(w in other for other in words) > 1}
    own_words = set(words[offered.index(chosen)])
    dropped = shared | (languages.get(lang).common_words - own_words)
    heard = latin_key(" ".join(w for w in _name_words(reply) if w not in dropped))
    keys = [latin_key(" ".join(w for w in ws if w not in shared)) for ws in words]
    others = [key for name, key in zip(offered, keys, strict=True) if name != chosen]
    return heard, keys[offered.index(chosen)], others


def _name_words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", spelled_out(name).lower())
