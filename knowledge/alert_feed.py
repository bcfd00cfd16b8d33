"""GTFS-Realtime Service Alerts -> notices: parse a FeedMessage, keep each alert's translations,
map its informed entities to the knowledge base's stations and lines, drop what has ended.

The result is the notices.schema.json shape the operator's own notices have, so both reach
the passenger through one path (`KnowledgeBase.active_notices`). Only the Korean text is
optional here: an operator's feed may carry English alone, and a notice in English is better
than none. Every alert is validated like an operator notice (control characters, enums, times);
one bad alert is dropped and counted, a feed that does not parse is rejected whole.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError
from google.transit import gtfs_realtime_pb2 as rt

import languages
from knowledge.errors import KnowledgeError
from knowledge.lines import LineRegistry, line_key
from knowledge.operator import SCHEMA_DIR, validate_doc
from knowledge.snapshot import Snapshot
from languages.scripts import script_of

FEED_ID_PREFIX = "feed-"
"""Feed notices' ids start with this, so an operator's own ids (`N12`) never collide."""

_SCHEMA = json.loads((SCHEMA_DIR / "notices.schema.json").read_text(encoding="utf-8"))
_FEED_SCHEMA = copy.deepcopy(_SCHEMA)
_FEED_SCHEMA["$defs"]["texts"].pop("required")
_FEED_SCHEMA["$defs"]["texts"]["minProperties"] = 1
_CAUSES = set(_SCHEMA["properties"]["notices"]["items"]["properties"]["cause"]["enum"])
_EFFECTS = set(_SCHEMA["properties"]["notices"]["items"]["properties"]["effect"]["enum"])
_SIMPLIFIED = ("zh-hans", "zh-cn", "zh-sg", "zh")
"""Chinese tags read as Simplified (what the kiosk's Chinese voice and screen use); a
Traditional text (zh-Hant, zh-TW) is kept only when there is no Simplified one."""
_SCRIPT_LANGUAGE = {"hangul": "ko", "kana": "ja", "han": "zh", "latin": "en"}


class FeedRejected(KnowledgeError):
    """The whole feed is unusable; `reason` is a short, closed label for metrics."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"notice-feed-{reason}", message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class EntityIndex:
    """GTFS ids the knowledge base knows: stop ids -> (complex, line or None), route ids -> line.

    Stop ids are matched against the station codes (`0222`, a GTFS import's `parent:line`),
    the published station numbers (`fr_code`: `222`, a GTFS parent stop id) and GTFS entrance
    ids; route ids against line ids (`2`, `gtfs-<route_id>`) and any name of a line."""

    stops: dict[str, tuple[str, str | None]]
    routes: dict[str, str]

    @classmethod
    def build(
        cls,
        stations: Iterable[tuple[str, str | None, str, str]],
        entrances: Iterable[tuple[str, str]],
        lines: dict[str, dict[str, str]],
    ) -> EntityIndex:
        """`stations`: (code, fr_code, complex, line_id); `entrances`: (stop_id, complex);
        `lines`: line id -> names per language."""
        stops: dict[str, tuple[str, str | None]] = {}
        by_number: dict[str, set[tuple[str, str]]] = {}
        for code, fr_code, complex_key, line_id in stations:
            stops[code] = (complex_key, line_id)
            if fr_code:
                by_number.setdefault(fr_code, set()).add((complex_key, line_id))
        for number, places in by_number.items():
            complexes = {cx for cx, _ in places}
            # A number two stations share (or another station's code) names no one place.
            if number not in stops and len(complexes) == 1:
                line = next(iter(places))[1] if len(places) == 1 else None
                stops[number] = (complexes.pop(), line)
        for stop_id, complex_key in entrances:
            stops.setdefault(stop_id, (complex_key, None))
        routes: dict[str, str] = {}
        for line_id, names in lines.items():
            for label in (line_id, *names.values()):
                routes.setdefault(line_key(label), line_id)
            if line_id.startswith("gtfs-"):
                routes.setdefault(line_key(line_id.removeprefix("gtfs-")), line_id)
        return cls(stops, routes)

    @classmethod
    def from_snapshot(cls, snap: Snapshot) -> EntityIndex:
        stations = snap.conn.execute("SELECT code, fr_code, complex, line_id FROM stations")
        entrances = snap.conn.execute(
            "SELECT json_extract(data, '$.stop_id'), complex FROM facts "
            "WHERE kind = 'exit' AND source_id LIKE 'gtfs:stop:%' AND complex IS NOT NULL"
        )
        lines = {line_id: line.names for line_id, line in snap.lines.items()}
        return cls.build(stations.fetchall(), [e for e in entrances if e[0]], lines)

    def line(self, route_id: str) -> str | None:
        if not route_id:
            return None
        return self.routes.get(line_key(route_id)) or _resolve_label(route_id, self.routes)

    def place(self, selector: Any) -> dict[str, str] | None:
        """One informed entity as {station, line}, or None when it names nothing we know."""
        line = self.line(selector.route_id) if selector.HasField("route_id") else None
        if selector.HasField("stop_id"):
            found = self.stops.get(selector.stop_id.strip())
            if found is None:
                return None
            place = {"station": found[0]}
            if line or found[1]:
                place["line"] = line or str(found[1])
            return place
        return {"line": line} if line else None


def _resolve_label(label: str, routes: dict[str, str]) -> str | None:
    """A published spelling of a line (`02호선`, `Line2`) the knowledge base serves."""
    line = _registry().resolve(label)
    return line.id if line is not None and line.id in routes.values() else None


@functools.cache
def _registry() -> LineRegistry:
    return LineRegistry()


@dataclass(slots=True)
class ParsedFeed:
    """A feed's usable notices and what was left out, by reason (counts, no text)."""

    header_time: datetime | None
    notices: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def parse_alert_feed(data: bytes, index: EntityIndex, now: datetime) -> ParsedFeed:
    """The notices of a serialized FeedMessage active now or later, mapped through `index`.

    Raises FeedRejected (`malformed`, `unsupported`) when the feed as a whole cannot be used."""
    message = rt.FeedMessage()
    try:
        message.ParseFromString(data)
    except (DecodeError, ValueError, RecursionError) as err:
        raise FeedRejected("malformed", f"not a GTFS-Realtime FeedMessage ({err})") from None
    if not message.IsInitialized():  # parsing alone lets required fields go missing
        missing = ", ".join(message.FindInitializationErrors()[:3])
        raise FeedRejected("malformed", f"required fields missing: {missing}")
    header = message.header
    if not re.fullmatch(r"[12]\.\d+", header.gtfs_realtime_version):
        raise FeedRejected("unsupported", "gtfs_realtime_version is not 1.x or 2.x")
    if header.incrementality != rt.FeedHeader.FULL_DATASET:
        raise FeedRejected("unsupported", "only FULL_DATASET feeds are supported")
    try:
        feed = ParsedFeed(_time(header.timestamp) if header.HasField("timestamp") else None)
    except (OverflowError, OSError, ValueError):
        raise FeedRejected("malformed", "the feed's timestamp is not a time") from None
    seen: set[str] = set()
    for entity in message.entity:
        if not entity.HasField("alert") or entity.is_deleted:
            continue
        body, reason = _notice(entity.id, entity.alert, index, now)
        if body is not None and body["id"] in seen:
            body, reason = None, "duplicate-id"
        if body is None:
            feed.skipped[reason] += 1
            continue
        seen.add(body["id"])
        feed.notices.append(body)
    return feed


def _notice(
    entity_id: str, alert: Any, index: EntityIndex, now: datetime
) -> tuple[dict[str, Any] | None, str]:
    """(notice body, "") or (None, why it was left out)."""
    places = [p for p in (index.place(s) for s in alert.informed_entity) if p]
    if not places:
        return None, "unmapped"
    try:
        periods = [_period(p) for p in alert.active_period]
    except (OverflowError, OSError, ValueError):
        return None, "invalid"
    if periods and all(end is not None and end <= now for _, end in periods):
        return None, "ended"
    header = translations(alert.header_text)
    if not header:
        return None, "invalid"
    body: dict[str, Any] = {
        "id": feed_notice_id(entity_id),
        "cause": _enum_name(rt.Alert.Cause, alert.cause, _CAUSES, "OTHER_CAUSE"),
        "effect": _enum_name(rt.Alert.Effect, alert.effect, _EFFECTS, "UNKNOWN_EFFECT"),
        "active_period": [
            {k: t.isoformat(timespec="seconds") for k, t in (("start", s), ("end", e)) if t}
            for s, e in periods
        ],
        "informed_entity": list({json.dumps(p, sort_keys=True): p for p in places}.values()),
        "header_text": header,
    }
    for name in ("tts_header_text", "description_text"):
        texts = translations(getattr(alert, name))
        if texts:
            body[name] = texts
    problems = validate_doc(Path("feed"), {"notices": [body]}, None, _FEED_SCHEMA)
    return (None, "invalid") if problems else (body, "")


def translations(value: Any) -> dict[str, str]:
    """A TranslatedString as {language: text} for the kiosk's languages. Tags are BCP-47
    (`ko`, `en-US`, `zh-Hans`); an untagged text counts for the language its script says,
    unless a tagged one exists for it."""
    tagged: dict[str, tuple[int, str]] = {}
    untagged: dict[str, str] = {}
    for item in value.translation:
        text = unicodedata.normalize("NFC", item.text).strip()
        if not text:
            continue
        tag = item.language.strip().lower().replace("_", "-")
        if not tag:
            script = next((s for s in map(script_of, text) if s in _SCRIPT_LANGUAGE), "latin")
            untagged.setdefault(_SCRIPT_LANGUAGE[script], text)
            continue
        lang = tag.split("-")[0]
        if lang not in languages.codes():
            continue
        rank = 0 if lang != "zh" or tag in _SIMPLIFIED else 1
        if lang not in tagged or rank < tagged[lang][0]:
            tagged[lang] = (rank, text)
    return {**untagged, **{lang: text for lang, (_, text) in tagged.items()}}


def feed_notice_id(entity_id: str) -> str:
    """A notice id from a feed entity id, within the schema's characters and 64 letters."""
    clean = re.sub(r"[^A-Za-z0-9_-]", "_", entity_id.strip())[:40]
    if clean != entity_id or not clean:
        clean += "-" + hashlib.sha1(entity_id.encode()).hexdigest()[:8]
    return FEED_ID_PREFIX + clean


def _period(period: Any) -> tuple[datetime | None, datetime | None]:
    start = _time(period.start) if period.HasField("start") and period.start else None
    end = _time(period.end) if period.HasField("end") and period.end else None
    if start and end and end <= start:
        raise ValueError("active period ends before it starts")
    return start, end


def _time(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _enum_name(enum: Any, value: int, known: set[str], default: str) -> str:
    try:
        name = enum.Name(value)
    except ValueError:
        return default
    return name if name in known else default
