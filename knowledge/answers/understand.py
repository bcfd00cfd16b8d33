"""Question understanding: intent, stations (origin/destination), lines and details, per language.

Keywords and patterns come from the language registry (`languages/`, gathered in
`lexicon.py`); station mentions come from the KB (`find_stations`), so
mis-heard names are resolved by the same code the rest of the kiosk uses. Nothing here answers:
it produces an `Understood` that the structured composers and the retrieval path consume.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import languages
from knowledge.answers.lexicon import INTENT_ORDER, lexicon
from knowledge.answers.longer_names import longer_place
from knowledge.answers.mentions import StationScanner
from knowledge.answers.question_text import (
    LineFinder,
    destination_chunk,
    is_here,
    language_pattern,
    latin_word_match,
    matches,
    normalise,
    place_chunk,
)
from knowledge.answers.types import Context, Intent
from knowledge.lines import Line, line_key
from knowledge.records import StationComplex, StationMatch

MIN_STATION_CONFIDENCE = 0.74
"""Below this a fuzzy station match is a guess; we would rather say "no information"."""
_TRIP_ASKS = (Intent.LINES, Intent.ROUTE, Intent.TRANSFER, None)
"""Intents whose words, with two stations named, ask for the trip between them."""
SECOND_STATION_FUZZY = 0.9
"""A mis-heard second station in a sentence that already names one is taken only this sure."""
SURE_STATION = 0.74
"""When one mention is this sure, weaker fuzzy mentions are ordinary words, not stations."""


@dataclass(slots=True)
class Understood:
    intent: Intent
    lang: str
    stations: list[StationMatch] = field(default_factory=list)
    origin: StationComplex | None = None
    destination: StationComplex | None = None
    subject: StationComplex | None = None
    """The station the question is about (here, or one named)."""
    lines: list[Line] = field(default_factory=list)
    exit_number: str | None = None
    facility: str | None = None
    which_train: str = "both"  # first | last | both
    slower: bool = False
    in_scope: bool = False
    follow_up: bool = False
    matched: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""
    """The normalised question (for landmark look-ups); never logged."""
    unresolved_place: bool = False
    """A station seems named ("at Sadnag") but none was recognised: do not answer for here."""
    heard_place: str | None = None
    """The words where a station name was expected, when none was recognised in them: the
    kiosk says it does not know that station, in the passenger's own words."""

    def about(self) -> list[str]:
        """Complex keys of the stations an answer to this question speaks about."""
        ends = (self.origin, self.destination)
        named = ends if self.intent is Intent.ROUTE else (self.subject,)
        return list(dict.fromkeys(cx.key for cx in named if cx is not None))


class Understander:
    """Turns a question into an `Understood`, with the kiosk's own station as the default."""

    def __init__(
        self, kb: Any, lines: LineFinder | None = None, scanner: StationScanner | None = None
    ) -> None:
        self.kb = kb
        self.lines = lines or LineFinder(getattr(kb, "lines", None))
        self.scanner = scanner or StationScanner(kb)
        self._unresolved = False
        self._heard: str | None = None

    def understand(
        self,
        question: str,
        lang: str,
        here: StationComplex | None,
        context: Context | None = None,
    ) -> Understood:
        text = languages.get(lang).fold(normalise(question))
        tables = lexicon()
        hits = {intent: matches(text, lang, table) for intent, table in tables.keywords.items()}
        u = Understood(Intent.UNKNOWN, lang, matched={k.value: v for k, v in hits.items() if v})
        u.text = text
        if hits[Intent.REFUSED]:
            u.intent = Intent.REFUSED
            return u
        u.stations = self._stations(question, text, lang, hits)
        if spoken := [normalise(m.matched) for m in u.stations if normalise(m.matched) in text]:
            # A keyword inside a station's name is part of the name: "sing" (out of scope) in
            # "Singeumho", not a question about singing.
            named = re.sub("|".join(map(re.escape, spoken)), " ", text)
            hits = {i: h if i is Intent.REFUSED else matches(named, lang, tables.keywords[i])
                    for i, h in hits.items()}  # fmt: skip
            u.matched = {k.value: v for k, v in hits.items() if v}
        u.unresolved_place = self._unresolved
        u.heard_place = self._heard if self._unresolved else None
        u.lines = self.lines.find(text, lang)
        u.slower = bool(matches(text, lang, tables.cues["slower"]))
        if (hits[Intent.REPEAT] or u.slower) and not u.stations and not u.lines:
            u.intent = Intent.REPEAT
            return u
        exit_number = language_pattern(lang, "exit_number")
        if m := re.search(exit_number, text) or re.search(
            language_pattern("en", "exit_number"), text
        ):
            u.exit_number = str(int(next(g for g in m.groups() if g)))
        first = matches(text, lang, tables.cues["first"])
        last = matches(text, lang, tables.cues["last"])
        u.which_train = "first" if first and not last else "last" if last and not first else "both"
        u.follow_up = bool(matches(text, lang, tables.cues["follow_up"]))
        u.in_scope = bool(u.stations or u.lines or matches(text, lang, tables.cues["in_scope"]))
        self._places(u, text, here)
        u.intent = self._intent(u, hits, here)
        if context is not None:
            self._follow_up(u, context, here)
        if u.intent in (Intent.ELEVATOR, Intent.TOILET, Intent.EXIT, Intent.NOTICES):
            u.facility = u.facility or {
                Intent.ELEVATOR: "elevator",
                Intent.TOILET: "toilet",
                Intent.EXIT: "exit",
            }.get(u.intent)
        return u

    def _stations(
        self, question: str, text: str, lang: str, hits: dict[Intent, list[str]]
    ) -> list[StationMatch]:
        found = self._filter(self.scanner.scan(question), text)
        mark = re.search(language_pattern(lang, "station_mark"), text)
        if not found and (hits[Intent.ROUTE] or mark):
            found = self._filter(self.kb.find_stations(question, lang), text)  # mis-heard name
        if not found and mark:
            chunk = next(g for g in mark.groups() if g)
            best = self.kb.best_station(chunk, lang)
            found = self._filter([best] if best else [], text, words=False)
        if hits[Intent.ROUTE] and len(found) < 2:
            # A sentence search stops at exact hits; the destination may be the mis-heard one.
            chunk = destination_chunk(question, lang)
            if chunk:
                best = self.kb.best_station(chunk, lang)
                if (
                    best
                    and best.confidence >= SURE_STATION
                    and all(best.complex.key != m.complex.key for m in found)
                ):
                    found.append(best)
        if len(found) == 1 and (hits[Intent.ROUTE] or hits[Intent.TRANSFER] or hits[Intent.LINES]):
            trip = bool(hits[Intent.ROUTE] or hits[Intent.TRANSFER])
            found += self._second_station(question, found[0], text, lang, fuzzy=trip)
        heard = next((g for g in mark.groups() if g), None) if mark else None
        fold = languages.get(lang).fold
        longer = [
            (m, place)
            for m in found
            if m.method not in ("place", "shared")  # "COEX购物中心" is still COEX
            and (place := longer_place(fold(normalise(m.matched)), text, lang))
        ]
        if longer:  # "Yeouido Hangang Park" is not Yeouido station: say so, answer for none
            found = []
            heard = longer[0][1]
        if not found and not heard:  # a marked chunk was resolved above, with the same rules
            heard = place_chunk(question, lang, hits)
            if heard:  # "えっと、東大門", "갈아탈 수 있죠? 어디": only the words after a pause
                heard = re.split(r"[、,，?？!！]\s*", heard)[-1]
            if heard and self.lines.find(normalise(heard), lang):
                heard = None  # "the Line 2 platform" is a line here, not a place
            if heard and not is_here(heard, lang, text):
                best = self.kb.best_station(heard, lang)
                found = self._filter([best] if best else [], text, words=False)
        here = heard is None or is_here(heard, lang, text)
        self._unresolved = not found and not here
        self._heard = heard.strip(" ?？。.!") if heard and not here else None
        return found

    def _second_station(
        self, question: str, first: StationMatch, text: str, lang: str, *, fuzzy: bool
    ) -> list[StationMatch]:
        """The other end of a trip, looked for in the words around the first one ("starting at
        Ungilsan, going to Jongro 3-ga"): a sentence search stops at its first exact name.
        Only a sure match counts: a fuzzy one here is as likely an ordinary word, and a lines
        question ("which line from A to B") looks for exact names only: the slower fuzzy
        search is spent where a trip is asked for."""
        rest = re.sub(re.escape(first.matched), " ", question, flags=re.IGNORECASE)
        for m in self._filter(self.kb.find_stations(rest, lang, fuzzy=fuzzy), text):
            sure = m.method != "fuzzy" or m.confidence >= SECOND_STATION_FUZZY
            if sure and m.complex.key != first.complex.key:
                return [m]
        return []

    def _filter(
        self, found: list[StationMatch], text: str, words: bool = True
    ) -> list[StationMatch]:
        """Drop weak, line-name and (for sentence search) non-word matches. `words=False` for a
        name resolved from a chunk, whose matched alias is a spelling the passenger did not say."""
        found = [
            m
            for m in found
            if m.confidence >= MIN_STATION_CONFIDENCE
            and not self._is_line_name(m, text)
            and (not words or latin_word_match(m, text))
        ]
        if any(m.confidence >= SURE_STATION for m in found):
            found = [m for m in found if m.confidence >= SURE_STATION]
        return found

    def _is_line_name(self, m: StationMatch, text: str) -> bool:
        """`의정부` inside `의정부경전철` or `분당` inside `수인분당선` is a line, not a station."""
        alias = line_key(m.matched)
        key = line_key(text)
        for name, _line in self.lines._named:
            if alias in name and name in key and len(name) > len(alias):
                return True
        return False

    def _places(self, u: Understood, text: str, here: StationComplex | None) -> None:
        others = [m.complex for m in u.stations if here is None or m.complex.key != here.key]
        named = [m.complex for m in u.stations]
        origin = None
        for m in u.stations:
            if self._marked_origin(m, text, u.lang):
                origin = m.complex
        if len(named) >= 2:
            origin = origin or named[0]
            dest = next((c for c in reversed(named) if c.key != origin.key), None)
            u.origin, u.destination = origin, dest
        elif others:
            u.origin, u.destination = here, others[0]
        u.subject = named[-1] if len(named) == 1 else here
        if origin is not None and len(named) >= 2:
            u.subject = origin

    @staticmethod
    def _marked_origin(m: StationMatch, text: str, lang: str) -> bool:
        alias = normalise(m.matched)
        pos = text.find(alias)
        if pos < 0:
            return False
        after = text[pos + len(alias) : pos + len(alias) + 4].lstrip("역站駅 ")
        before = text[max(0, pos - 16) : pos].strip()
        language = languages.get(lang)
        return any(after.startswith(p) for p in language.origin_after) or any(
            before.endswith(p) for p in language.origin_before
        )

    def _intent(
        self, u: Understood, hits: dict[Intent, list[str]], here: StationComplex | None
    ) -> Intent:
        first = next((i for i in INTENT_ORDER[2:] if hits[i]), None)
        moving = u.destination is not None and (here is None or u.destination.key != here.key)
        named = {m.complex.key for m in u.stations}
        if u.lines and not named and matches(u.text, u.lang, lexicon().cues["which_way"]):
            return Intent.TRANSFER  # "2호선 타려면 어디로 가야 돼요?": the way to line 2 here
        if len(named) >= 2 and moving and not u.lines and first in _TRIP_ASKS:
            return Intent.ROUTE  # "명일역에서 수색역까지 몇 호선 타요?": which line from A to B
        if first is Intent.TRANSFER and hits[Intent.LINES] and len(named) <= 1 and not u.lines:
            return Intent.LINES  # "What lines can I transfer to at Oksu?": Oksu's lines
        status_of = (None, Intent.ELEVATOR, Intent.LINES, Intent.EXIT)
        if hits[Intent.NOTICES] and first in status_of:  # noqa: SIM102 - two separate reasons
            if first is Intent.ELEVATOR or first is None or not moving:
                u.facility = "elevator" if first is Intent.ELEVATOR else None
                return Intent.NOTICES
        if first is Intent.TRANSFER and moving and len(u.lines) < 1:
            return Intent.ROUTE  # "where do I transfer to get to X" is a route question
        strong_route = [
            k
            for k in hits[Intent.ROUTE]
            if k not in languages.get(u.lang).cues.get("weak_route", ())
        ]
        if hits[Intent.LINES] and first in (Intent.ROUTE, Intent.LINES) and not strong_route:
            return Intent.LINES  # "왕십리역 지나가는 호선": 가는 is not a trip here
        if first in (Intent.LINES, None) and hits[Intent.ROUTE] and moving:
            return Intent.ROUTE
        if first is Intent.ROUTE and not moving:
            return Intent.UNKNOWN if not u.stations else Intent.LINES
        if first is not None:
            if first is Intent.OUT_OF_SCOPE:
                return Intent.OUT_OF_SCOPE
            return first
        if hits[Intent.OUT_OF_SCOPE]:
            return Intent.OUT_OF_SCOPE
        if moving:
            return Intent.ROUTE  # a bare station name at a kiosk means "how do I get there"
        if u.lines and not named:
            return Intent.LINES  # "Is Line 2 at this station?", "这是3号线吗？": the lines here
        return Intent.UNKNOWN

    def _follow_up(self, u: Understood, context: Context, here: StationComplex | None) -> None:
        """ "And the last train?" after a question about Jamsil keeps Jamsil and its line;
        "what about Sadang?" after a route question asks the same thing about Sadang."""
        if context.intent is None:
            return
        named = u.stations or is_here(u.text, u.lang)
        if context.asked and named and not u.matched and not u.lines:
            # "Choji station." or "This station." to "Which station do you mean?" answers the
            # question asked (not a route to Choji); a station asked about before is not meant.
            u.intent = context.intent
            if u.intent is Intent.ROUTE and u.stations:
                u.destination, u.origin = u.stations[-1].complex, u.origin or here
            return
        if u.intent is Intent.UNKNOWN and (u.follow_up or u.stations) and not u.lines:
            u.intent = context.intent
            if u.intent is Intent.ROUTE and u.destination is None and u.stations:
                u.destination = u.stations[-1].complex
                u.origin = u.origin or here
        if not u.stations and context.station and (u.follow_up or u.intent is Intent.UNKNOWN):
            u.subject = self.kb.complex(context.station) or u.subject
            if not u.lines and context.line:
                u.lines = [self.lines.registry.get(context.line)]
