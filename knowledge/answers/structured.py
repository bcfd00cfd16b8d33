"""Structured answers: compose spoken sentences from KB records, one composer per intent.

This path is exact and fast (no model): every value in a sentence is read from a record whose
source id and text go into `sources`. When the KB has no record for what was asked, the
composer returns None and the caller says "no information" (never a guess).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from knowledge.answers.facts import MAX_ITEMS, Composed, OperatorComposers, fact_text
from knowledge.answers.phrases import render_location, render_step
from knowledge.answers.templates import join, ko_topic, say
from knowledge.answers.types import Intent, Source
from knowledge.answers.understand import Understood
from knowledge.lines import Line
from knowledge.records import Fact, StationComplex
from languages.scripts import has_script

logger = logging.getLogger(__name__)


class StructuredComposer(OperatorComposers):
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
        # The files also write `구로디지털단지역` and `효창공원` (for 효창공원앞); a name two
        # stations share (신촌, 양평) is the same word in every language.
        for name in dict.fromkeys((ko_name, ko_name.removesuffix("역"))):
            matches = [m for m in self.kb.resolve_station(name, "ko") if m.confidence >= 0.9]
            same = [m for m in matches if m.complex.key == name]
            if same:
                return same[0].complex.name(lang)
            shown = {m.complex.name(lang) for m in matches}
            if len(shown) == 1:
                return shown.pop()
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
        if handler is None or (u.subject is None and u.intent is not Intent.ROUTE):
            return None
        return handler(u)

    def lines(self, u: Understood) -> Composed | None:
        cx = u.subject
        lines = self.kb.lines_at(cx)
        if not lines:
            return None
        names = [ln.name(u.lang) for ln in lines]
        text = say(
            "lines",
            u.lang,
            station=cx.name(u.lang),
            lines=join(names, u.lang),
            josa=ko_topic(names[-1]),
        )
        return Composed([text], self._station_sources(cx, u.lang))

    def route(self, u: Understood) -> Composed | None:
        a, b = u.origin, u.destination
        if a is None or b is None:
            return None
        if a.key == b.key:
            return Composed(
                [say("same_station", u.lang, station=a.name(u.lang))],
                [Source(a.source_id, a.name(u.lang))],
            )
        route = self.kb.route(a, b)
        if route is None or not route.legs:
            return None
        lang = u.lang
        sources = self._route_sources(route, lang)
        legs = route.legs
        toward = [self._toward(leg, lang) for leg in legs]
        if len(legs) == 1:
            leg = legs[0]
            text = say(
                "route_direct",
                lang,
                line=leg.line.name(lang),
                toward=toward[0],
                stops=leg.stops,
                dest=leg.to_station.name(lang),
            )
            sentences = [text, *self._boarding(leg, lang)]
            return Composed(sentences, sources, [str(leg.stops)], keep=len(sentences))
        derived = [str(route.transfers), str(route.total_stops), *(str(lg.stops) for lg in legs)]
        sentences = [
            say(
                "route_summary",
                lang,
                origin=a.name(lang),
                dest=b.name(lang),
                transfers=route.transfers,
                stops=route.total_stops,
            ),
            say(
                "route_first_leg",
                lang,
                line=legs[0].line.name(lang),
                toward=toward[0],
                stops=legs[0].stops,
                to=legs[0].to_station.name(lang),
            ),
            *self._boarding(legs[0], lang),
        ]
        for leg, tw in zip(legs[1:], toward[1:], strict=True):
            sentences.append(
                say(
                    "route_next_leg",
                    lang,
                    at=leg.from_station.name(lang),
                    line=leg.line.name(lang),
                    toward=tw,
                    stops=leg.stops,
                    to=leg.to_station.name(lang),
                )
            )
            sentences.extend(self._boarding(leg, lang))
        # The summary is for the screen; the voice gives the legs, which must all be heard.
        return Composed(sentences, sources, derived, spoken=sentences[1:])

    def _boarding(self, leg: Any, lang: str) -> list[str]:
        """Which train to board where the line branches on the way (none where it does not)."""
        if not leg.passes_fork:
            return []
        if leg.bound_for is not None:
            return [say("board_bound_for", lang, end=leg.bound_for.name(lang))]
        return [say("board_stops_at", lang, to=leg.to_station.name(lang))]

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
                    fallback = (
                        f"{leg.line.name(lang)} {leg.from_station.name(lang)} - {nxt.name(lang)}"
                    )
                else:
                    fallback = f"{leg.line.name(lang)} {sid}"
                out.append(self.source(sid, lang, fallback))
            end = f"station:{leg.bound_for_code}"
            if leg.bound_for is not None and end not in seen:
                seen.add(end)
                fallback = f"{leg.bound_for.name(lang)} {leg.line.name(lang)}"
                out.append(self.source(end, lang, fallback))
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
        # Street-level elevators (at an exit) first: that is what a passenger with a wheelchair
        # or a pram needs most; platform positions follow.
        facts = sorted(facts, key=lambda f: not f.data.get("exit"))
        lang = u.lang
        sentences = [say("elevator_head", lang, station=cx.name(lang), count=len(facts))]
        for f in facts[:MAX_ITEMS]:
            line = self._line_name(cx, f, lang)
            where = render_location(str(f.data.get("location", f.text)), lang, self._names(lang))
            if where:  # a location no rule renders in this language is left to the staff
                sentences.append(say("elevator_item", lang, line=line, where=where))
        sources = [Source(f.source_id, fact_text(f, lang)) for f in facts]
        return Composed(sentences, sources, [str(len(facts))], keep=2)

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

    def transfer(self, u: Understood) -> Composed | None:
        cx = u.subject
        here_lines = self.kb.lines_at(cx)
        ids = [ln.id for ln in here_lines]
        asked = [ln for ln in u.lines if ln.id in ids]
        # Without a walk to describe (no line named, a line not here, no steps in the data),
        # the lines of the station are the true answer to "what can I transfer to here?".
        if len(asked) == 1:
            to_line = asked[0]
            others = [ln for ln in here_lines if ln.id != to_line.id]
            from_line = others[0] if len(others) == 1 else None
        elif len(asked) >= 2:
            from_line, to_line = asked[0], asked[1]
        else:
            return self.lines(u)
        if from_line is None:
            return self.lines(u)
        facts = self.kb.transfer_steps(cx, from_line.id, to_line.id, u.lang)
        if not facts:
            return self.lines(u)
        f = facts[0]
        lang = u.lang
        steps = f.data.get("steps") or [f.text]
        sentences = [
            say(
                "transfer_head",
                lang,
                station=cx.name(lang),
                from_line=from_line.name(lang),
                to_line=to_line.name(lang),
            )
        ]
        rendered = [render_step(str(step), lang, self._names(lang)).rstrip(".。") for step in steps]
        if lang != "ko" and any(has_script(step, "hangul") for step in rendered):
            # Half a walk in the passenger's language and half in Korean helps nobody: say
            # less, and where the full directions are.
            sentences.append(say("transfer_unrendered", lang, to_line=to_line.name(lang)))
        else:
            stop = "." if lang in ("en", "ko") else "。"
            sentences.extend(step + stop for step in rendered)
        walk_lines = [str(f.data[k]) for k in ("from_line", "to_line") if f.data.get(k)]
        return Composed(
            sentences, [Source(f.source_id, fact_text(f, lang))], lines=walk_lines, keep=2
        )

    def notices(self, u: Understood, now: datetime) -> Composed | None:
        cx = u.subject
        lang = u.lang
        notices = self.kb.active_notices(cx, now)
        if u.facility == "elevator":
            notices = [
                n
                for n in notices
                if any("elevator" in str(e.get("facility", "")) for e in n.informed)
            ] or notices
        # A configured alerts feed gone stale: what it would say is unknown, so the kiosk says
        # so instead of "no notices" (its own notices and the elevator records still count).
        stale = not getattr(self.kb, "notices_current", lambda _now: True)(now)
        unknown = [say("notices_unavailable", lang, station=cx.name(lang))] if stale else []
        if notices:
            shown = notices[:MAX_ITEMS]
            sources = [Source(n.source_id, n.text_in(lang)) for n in shown]
            if unknown:
                sources += self._station_sources(cx, lang)[:1]
            return Composed([*(n.text_in(lang) for n in shown), *unknown], sources)
        if u.facility == "elevator":
            status = self._elevator_status(u)
            if status is not None and unknown:
                status.sentences.extend(unknown)
                status.keep = len(status.sentences)
            return status
        head = unknown or [say("no_notices", lang, station=cx.name(lang))]
        return Composed(head, self._station_sources(cx, lang)[:1])

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
            say(
                "elevator_repair",
                lang,
                line=self._line_name(cx, f, lang),
                date=date,
                where=render_location(str(f.data.get("location", "")), lang, self._names(lang)),
            )
            for f in repair[:MAX_ITEMS]
        ]
        return Composed(sentences, [Source(f.source_id, fact_text(f, lang)) for f in repair])
