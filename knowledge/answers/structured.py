"""Structured answers: compose spoken sentences from KB records, one composer per intent.

This path is exact and fast (no model): every value in a sentence is read from a record whose
source id and text go into `sources`. When the KB has no record for what was asked, the
composer returns None and the caller says "no information" (never a guess).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from knowledge.answers.phrases import render_location, render_step
from knowledge.answers.templates import DAYS, join, ko_topic, say
from knowledge.answers.types import Intent, Source
from knowledge.answers.understand import Understood
from knowledge.lines import Line
from knowledge.records import Fact, StationComplex

logger = logging.getLogger(__name__)

MAX_ITEMS = 4
"""Spoken lists longer than this lose the listener; the rest stays on the screen via sources."""


@dataclass(slots=True)
class Composed:
    sentences: list[str]
    sources: list[Source] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    """Numbers computed from the sources (stop and item counts), declared for grounding."""
    lines: list[str] = field(default_factory=list)
    """Line ids read from the sources' structured fields (a timetable row's `line: "2"`)."""


def fact_text(fact: Any, lang: str) -> str:
    """The fact's text in `lang` when the KB carries translations, else its (Korean) text."""
    texts = getattr(fact, "texts", None) or (getattr(fact, "data", None) or {}).get("texts")
    if isinstance(texts, dict):
        for candidate in (lang, "en" if lang in ("zh", "ja") else lang, "ko"):
            if texts.get(candidate):
                return str(texts[candidate])
    return str(fact.text)


class StructuredComposer:
    def __init__(self, kb: Any) -> None:
        self.kb = kb

    # -- helpers ------------------------------------------------------------------------
    def source(self, source_id: str, lang: str, fallback: str) -> Source:
        getter = getattr(self.kb, "source_text", None)
        text = getter(source_id, lang) if getter is not None else None
        return Source(source_id, text or fallback)

    def station_name(self, ko_name: str, lang: str) -> str:
        """A Korean station name (from a record) in `lang`, via the KB's own names."""
        if lang == "ko":
            return ko_name
        matches = [m for m in self.kb.resolve_station(ko_name, "ko") if m.confidence >= 0.99]
        same = [m for m in matches if m.complex.key == ko_name]
        if same or len(matches) == 1:
            return (same or matches)[0].complex.name(lang)
        return ko_name

    def _line_of_code(self, cx: StationComplex, code: str) -> Line | None:
        for line in self.kb.lines_at(cx):
            if code in getattr(line, "station_codes", ()):  # pragma: no cover - optional API
                return line
        if len(cx.station_codes) == len(cx.line_ids) and code in cx.station_codes:
            line_id = cx.line_ids[cx.station_codes.index(code)]
            return next((ln for ln in self.kb.lines_at(cx) if ln.id == line_id), None)
        return None

    def _station_sources(self, cx: StationComplex, lang: str) -> list[Source]:
        out = []
        lines = self.kb.lines_at(cx)
        codes = cx.station_codes
        for i, code in enumerate(codes):
            line = lines[i] if len(lines) == len(codes) else None
            fallback = f"{cx.name(lang)} {line.name(lang) if line else ''}".strip()
            out.append(self.source(f"station:{code}", lang, fallback))
        return out

    # -- composers ------------------------------------------------------------------------
    def compose(self, u: Understood, now: datetime) -> Composed | None:
        handler = {
            Intent.LINES: self.lines,
            Intent.ROUTE: self.route,
            Intent.ELEVATOR: self.elevator,
            Intent.TOILET: self.toilet,
            Intent.EXIT: self.exit,
            Intent.TRANSFER: self.transfer,
            Intent.FIRST_LAST: self.first_last,
            Intent.NOTICES: lambda u: self.notices(u, now),
            Intent.FARE: lambda u: self.operator(u, "fares"),
            Intent.LOST_FOUND: lambda u: self.operator(u, "lost_and_found"),
            Intent.LOCKER: lambda u: self.operator(u, "lockers"),
            Intent.PHONE: lambda u: self.operator(u, "phone"),
        }.get(u.intent)
        if handler is None or u.subject is None and u.intent is not Intent.ROUTE:
            return None
        return handler(u)

    def lines(self, u: Understood) -> Composed | None:
        cx = u.subject
        lines = self.kb.lines_at(cx)
        if not lines:
            return None
        names = [ln.name(u.lang) for ln in lines]
        text = say(
            "lines", u.lang, station=cx.name(u.lang), lines=join(names, u.lang),
            josa=ko_topic(names[-1]),
        )  # fmt: skip
        return Composed([text], self._station_sources(cx, u.lang))

    def route(self, u: Understood) -> Composed | None:
        a, b = u.origin, u.destination
        if a is None or b is None:
            return None
        if a.key == b.key:
            return Composed([say("same_station", u.lang, station=a.name(u.lang))],
                            [Source(a.source_id, a.name(u.lang))])  # fmt: skip
        route = self.kb.route(a, b)
        if route is None or not route.legs:
            return None
        lang = u.lang
        sources = self._route_sources(route, lang)
        legs = route.legs
        toward = [self._toward(leg, lang) for leg in legs]
        if len(legs) == 1:
            leg = legs[0]
            text = say("route_direct", lang, line=leg.line.name(lang), toward=toward[0],
                       stops=leg.stops, dest=leg.to_station.name(lang))  # fmt: skip
            return Composed([text], sources, [str(leg.stops)])
        derived = [str(route.transfers), str(route.total_stops), *(str(lg.stops) for lg in legs)]
        sentences = [
            say("route_summary", lang, origin=a.name(lang), dest=b.name(lang),
                transfers=route.transfers, stops=route.total_stops),
            say("route_first_leg", lang, line=legs[0].line.name(lang), toward=toward[0],
                stops=legs[0].stops, to=legs[0].to_station.name(lang)),
        ]  # fmt: skip
        for leg, tw in zip(legs[1:], toward[1:], strict=True):
            sentences.append(
                say("route_next_leg", lang, at=leg.from_station.name(lang), line=leg.line.name(lang),
                    toward=tw, stops=leg.stops, to=leg.to_station.name(lang))
            )  # fmt: skip
        return Composed(sentences, sources, derived)

    def _toward(self, leg: Any, lang: str) -> str:
        nxt = getattr(leg, "next_station", None)
        return nxt.name(lang) if nxt is not None else self.station_name(leg.toward, lang)

    def _route_sources(self, route: Any, lang: str) -> list[Source]:
        out: list[Source] = []
        seen: set[str] = set()
        for leg in route.legs:
            ends = {"from": leg.from_station, "to": leg.to_station}
            nxt = getattr(leg, "next_station", None)
            for sid in leg.source_ids:
                if sid in seen:
                    continue
                seen.add(sid)
                if sid.startswith("station:"):
                    cx = ends["from"] if sid == leg.source_ids[0] else ends["to"]
                    fallback = f"{cx.name(lang)} {leg.line.name(lang)}"
                elif nxt is not None and sid == leg.source_ids[1]:
                    fallback = f"{leg.line.name(lang)} {leg.from_station.name(lang)} - {nxt.name(lang)}"
                else:
                    fallback = f"{leg.line.name(lang)} {sid}"
                out.append(self.source(sid, lang, fallback))
        return out

    def elevator(self, u: Understood) -> Composed | None:
        cx = u.subject
        facts = self.kb.elevators(cx, u.lang)
        if u.lines:
            wanted = {ln.id for ln in u.lines}
            facts = [f for f in facts if self._fact_line(cx, f) in wanted] or facts
        if u.exit_number:
            at_exit = [f for f in facts if str(f.data.get("exit", "")) == u.exit_number]
            facts = at_exit or facts
        if not facts:
            return None
        lang = u.lang
        sentences = [say("elevator_head", lang, station=cx.name(lang), count=len(facts))]
        for f in facts[:MAX_ITEMS]:
            line = self._line_name(cx, f, lang)
            where = render_location(str(f.data.get("location", f.text)), lang, self._names(lang))
            sentences.append(say("elevator_item", lang, line=line, where=where))
        sources = [Source(f.source_id, fact_text(f, lang)) for f in facts]
        return Composed(sentences, sources, [str(len(facts))])

    def _fact_line(self, cx: StationComplex, fact: Fact) -> str | None:
        line_id = fact.data.get("line_id") or fact.data.get("line")
        if line_id:
            return str(line_id)
        parts = fact.source_id.split(":")
        line = self._line_of_code(cx, parts[1]) if len(parts) >= 3 else None
        return line.id if line else None

    def _line_name(self, cx: StationComplex, fact: Fact, lang: str) -> str:
        line_id = self._fact_line(cx, fact)
        line = next((ln for ln in self.kb.lines_at(cx) if ln.id == line_id), None)
        return line.name(lang) if line else ""

    def _names(self, lang: str):
        return lambda ko: self.station_name(ko, lang)

    def toilet(self, u: Understood) -> Composed | None:
        cx = u.subject
        # Operator entries summarise the public rows; use the rows only when there are none.
        facts = [*self.kb.operator_facts(cx, u.lang).toilets] or self._kind_facts(cx, "toilet", u.lang)
        if not facts:
            return None
        lang = u.lang
        sentences = []
        for f in _dedupe_by_location(facts)[:MAX_ITEMS]:
            where = self._where(f, lang)
            sentences.append(say("toilet_item", lang, station=cx.name(lang), where=where))
        sources = [Source(f.source_id, fact_text(f, lang)) for f in facts[:MAX_ITEMS]]
        return Composed(sentences, sources)

    def _kind_facts(self, cx: StationComplex, kind: str, lang: str) -> list[Fact]:
        getter = getattr(self.kb, f"{kind}s", None)  # kb.toilets(complex, lang)
        return list(getter(cx, lang)) if getter is not None else []

    def _where(self, f: Fact, lang: str) -> str:
        item = f.data.get("item")
        if isinstance(item, dict) and isinstance(item.get("text"), dict):
            texts = item["text"]
            return texts.get(lang) or (lang in ("zh", "ja") and texts.get("en")) or texts["ko"]
        loc = f.data.get("location")
        if loc:
            return render_location(str(loc), lang, self._names(lang))
        return fact_text(f, lang)

    def exit(self, u: Understood) -> Composed | None:
        cx = u.subject
        exits = self.kb.operator_facts(cx, u.lang).exits
        if not exits:
            return None
        lang = u.lang
        chosen = [f for f in exits if _exit_no(f) == u.exit_number] if u.exit_number else []
        if not chosen:
            chosen = [f for f in exits if self._landmark_hit(f, u)]
        if not chosen:
            return None
        sentences = []
        for f in chosen[:MAX_ITEMS]:
            key = "exit_for" if len(chosen) == 1 else "exit_item"
            sentences.append(say(key, lang, number=_exit_no(f), landmarks=_landmarks(f, lang)))
        return Composed(sentences, [Source(f.source_id, fact_text(f, lang)) for f in chosen])

    @staticmethod
    def _landmark_hit(f: Fact, u: Understood) -> bool:
        """A landmark word of the exit (a Latin word of 3+ letters, a CJK/Hangul word of 2+
        characters, minus generic words) occurs in the question."""
        item = f.data.get("item") or {}
        for text in (item.get("landmarks") or {}).values():
            for word in re.split(r"[\s,，、/·:：()（）.]+", text.lower()):
                word = word.rstrip("의을를이가은는에로으")
                if word in _GENERIC or len(word) < (3 if word.isascii() else 2):
                    continue
                if (re.search(r"\b" + re.escape(word), u.text) if word.isascii() else word in u.text):
                    return True
        return False

    def transfer(self, u: Understood) -> Composed | None:
        cx = u.subject
        here_lines = self.kb.lines_at(cx)
        ids = [ln.id for ln in here_lines]
        asked = [ln for ln in u.lines if ln.id in ids]
        if not asked and len(ids) == 2:
            return None  # which way? the passenger must name a line; avoid guessing
        if len(asked) == 1:
            to_line = asked[0]
            others = [ln for ln in here_lines if ln.id != to_line.id]
            from_line = others[0] if len(others) == 1 else None
        elif len(asked) >= 2:
            from_line, to_line = asked[0], asked[1]
        else:
            return None
        if from_line is None:
            return None
        facts = self.kb.transfer_steps(cx, from_line.id, to_line.id, u.lang)
        if not facts:
            return None
        f = facts[0]
        lang = u.lang
        steps = f.data.get("steps") or [f.text]
        sentences = [
            say("transfer_head", lang, station=cx.name(lang), from_line=from_line.name(lang),
                to_line=to_line.name(lang))
        ]  # fmt: skip
        for step in steps:
            rendered = render_step(str(step), lang, self._names(lang)).rstrip(".。")
            sentences.append(rendered + ("." if lang in ("en", "ko") else "。"))
        return Composed(sentences, [Source(f.source_id, fact_text(f, lang))])

    def first_last(self, u: Understood) -> Composed | None:
        cx = u.subject
        facts = self.kb.operator_facts(cx, u.lang).first_last_trains
        if u.lines:
            facts = [f for f in facts if str((f.data.get("item") or {}).get("line")) in
                     {ln.id for ln in u.lines}] or facts  # fmt: skip
        if not facts:
            return None
        lang = u.lang
        key = {"first": "first_only", "last": "last_only"}.get(u.which_train, "first_last")
        sentences = []
        lines = {ln.id: ln for ln in self.kb.lines_at(cx)}
        for f in facts[:MAX_ITEMS]:
            item = f.data.get("item") or {}
            line = lines.get(str(item.get("line")))
            day, times = next(iter(item.get("times", {}).items()), (None, None))
            if line is None or not times:
                continue
            direction = self.station_name(str(item.get("direction", "")), lang)
            sentences.append(say(key, lang, line=line.name(lang), direction=direction,
                                 day=DAYS.get(day, {}).get(lang, day), first=times["first"],
                                 last=times["last"]))  # fmt: skip
        if not sentences:
            return None
        shown = facts[:MAX_ITEMS]
        line_ids = [str((f.data.get("item") or {}).get("line")) for f in shown]
        return Composed(sentences, [Source(f.source_id, fact_text(f, lang)) for f in shown], [], line_ids)

    def notices(self, u: Understood, now: datetime) -> Composed | None:
        cx = u.subject
        lang = u.lang
        notices = self.kb.active_notices(cx, now)
        if u.facility == "elevator":
            notices = [n for n in notices if any("elevator" in str(e.get("facility", ""))
                                                 for e in n.informed)] or notices  # fmt: skip
        if notices:
            shown = notices[:MAX_ITEMS]
            return Composed([n.text_in(lang) for n in shown],
                            [Source(n.source_id, n.text_in(lang)) for n in shown])  # fmt: skip
        if u.facility == "elevator":
            return self._elevator_status(u)
        return Composed([say("no_notices", lang, station=cx.name(lang))],
                        self._station_sources(cx, lang)[:1])  # fmt: skip

    def _elevator_status(self, u: Understood) -> Composed | None:
        cx = u.subject
        facts = self.kb.elevators(cx, u.lang)
        if not facts:
            return None
        lang = u.lang
        repair = [f for f in facts if f.data.get("status") == "보수중"]
        date = str(facts[0].data.get("status_date", ""))
        if not repair:
            text = say("elevators_ok", lang, date=date, station=cx.name(lang))
            return Composed([text], [Source(f.source_id, fact_text(f, lang)) for f in facts])
        sentences = [
            say("elevator_repair", lang, line=self._line_name(cx, f, lang), date=date,
                where=render_location(str(f.data.get("location", "")), lang, self._names(lang)))
            for f in repair[:MAX_ITEMS]
        ]  # fmt: skip
        return Composed(sentences, [Source(f.source_id, fact_text(f, lang)) for f in repair])

    def operator(self, u: Understood, section: str) -> Composed | None:
        facts = getattr(self.kb.operator_facts(u.subject, u.lang), section)
        if not facts:
            return None
        lang = u.lang
        shown = facts[:MAX_ITEMS]
        sentences = [_sentence(self._where(f, lang), lang) for f in shown]
        return Composed(sentences, [Source(f.source_id, fact_text(f, lang)) for f in shown])


_GENERIC = {"example", "toward", "towards", "the", "this", "exit", "here", "near", "nearby", "and",
            "go", "goes", "of", "예시", "방향", "출구", "주변", "시설", "정보를", "여기에", "적습니다"}


def _sentence(text: str, lang: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "。", "!", "?", "！", "？")) else text + (
        "。" if lang in ("zh", "ja") else "."
    )


def _exit_no(f: Fact) -> str:
    item = f.data.get("item") or {}
    return str(item.get("number") or f.data.get("number") or "")


def _landmarks(f: Fact, lang: str) -> str:
    item = f.data.get("item") or {}
    marks = item.get("landmarks") or {}
    fallback = marks.get("en") if lang in ("zh", "ja") else None
    return str(marks.get(lang) or fallback or marks.get("ko") or fact_text(f, lang))


def _dedupe_by_location(facts: list[Fact]) -> list[Fact]:
    seen: set[str] = set()
    out = []
    for f in facts:
        key = str(f.data.get("location") or f.text)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
