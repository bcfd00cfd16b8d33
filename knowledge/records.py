"""Value types the knowledge API hands out; every spoken fact carries a `source_id` and `text`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from knowledge.lines import Line


@dataclass(frozen=True, slots=True)
class StationComplex:
    """Same-name stations within walking distance, across lines: what a passenger calls a station.

    `key` is the Korean name (`강남`), or `name@line` when one name covers far-apart stations
    (`양평@5` and `양평@gyeongui-jungang`). `names_fallback` lists languages whose name is missing
    in the source and was filled from English (never invented).
    """

    key: str
    names: dict[str, str]
    line_ids: tuple[str, ...]
    station_codes: tuple[str, ...]
    source_id: str
    lat: float | None = None
    lon: float | None = None
    names_fallback: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["ko"]


@dataclass(frozen=True, slots=True)
class StationMatch:
    """One candidate for a name a passenger said; `matched` is the alias that matched."""

    complex: StationComplex
    confidence: float
    matched: str
    method: str  # exact | alias | abbrev | place | shared | fuzzy
    others: tuple[StationComplex, ...] = ()
    """Other stations the same name is given to ("Incheon Airport": Terminal 1 and 2): the
    name alone does not say which, and the kiosk must ask, not pick."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced statement (an elevator, a transfer step, an operator value)."""

    source_id: str
    text: str
    kind: str = ""
    data: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrievable text in one language with its score from hybrid search."""

    source_id: str
    text: str
    lang: str
    station: str | None
    line: str | None
    kind: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Leg:
    """Ride one line from `from_station` to `to_station` for `stops` stops toward `toward`."""

    line: Line
    from_station: StationComplex
    to_station: StationComplex
    stops: int
    toward: str
    source_ids: tuple[str, ...]
    next_station: StationComplex | None = None
    """The first station after `from_station`: the direction as signs show it (`역삼 방면`)."""
    passes_fork: bool = False
    """The ride passes a station where its line branches (Line 1 at Guro, Line 5 at Gangdong):
    not every train in that direction goes where the passenger is going."""
    bound_for: StationComplex | None = None
    """With `passes_fork`, the line's end the ride heads for (the train to board says it),
    when the line does not branch again after `to_station`."""
    bound_for_code: str = ""


@dataclass(frozen=True, slots=True)
class Route:
    legs: tuple[Leg, ...]

    @property
    def transfers(self) -> int:
        return max(0, len(self.legs) - 1)

    @property
    def total_stops(self) -> int:
        return sum(leg.stops for leg in self.legs)

    @property
    def transfer_stations(self) -> list[StationComplex]:
        return [leg.to_station for leg in self.legs[:-1]]

    @property
    def source_ids(self) -> list[str]:
        return [sid for leg in self.legs for sid in leg.source_ids]


@dataclass(frozen=True, slots=True)
class Notice:
    """A temporary message modelled on a GTFS-Realtime Alert.

    `informed` entities are dicts with any of `station` (complex key), `line` (line id),
    `facility` (free id such as `elevator:exit3`). `header`/`spoken` map language to text.
    """

    id: str
    cause: str
    effect: str
    start: datetime | None
    end: datetime | None
    informed: tuple[dict[str, str], ...]
    header: dict[str, str]
    spoken: dict[str, str]
    example: bool = False
    periods: tuple[tuple[datetime | None, datetime | None], ...] = ()
    """Each active period (start, end); `start`/`end` above span them all. A notice active
    09-11 and 14-16 is not active at noon (GTFS-Realtime alerts often recur like this)."""
    origin: str = "operator"
    """`operator` (the admin API, an import) or `feed` (the GTFS-Realtime alerts feed)."""

    @property
    def source_id(self) -> str:
        return f"notice:{self.id}"

    @property
    def text(self) -> str:
        return self.spoken.get("ko") or self.header.get("ko") or next(iter(self.header.values()))

    def text_in(self, lang: str) -> str:
        return self.spoken.get(lang) or self.header.get(lang) or self.text

    def active(self, now: datetime) -> bool:
        spans = self.periods or ((self.start, self.end),)
        return any((s is None or s <= now) and (e is None or now < e) for s, e in spans)


@dataclass(frozen=True, slots=True)
class OperatorFacts:
    """Operator-maintained facts for one complex; every value is a Fact with a source id."""

    station: str
    exits: list[Fact] = field(default_factory=list)
    toilets: list[Fact] = field(default_factory=list)
    lockers: list[Fact] = field(default_factory=list)
    lost_and_found: list[Fact] = field(default_factory=list)
    phone: list[Fact] = field(default_factory=list)
    first_last_trains: list[Fact] = field(default_factory=list)
    fares: list[Fact] = field(default_factory=list)
    accessibility: list[Fact] = field(default_factory=list)

    def all(self) -> list[Fact]:
        return [
            *self.exits,
            *self.toilets,
            *self.lockers,
            *self.lost_and_found,
            *self.phone,
            *self.first_last_trains,
            *self.fares,
            *self.accessibility,
        ]


@dataclass(frozen=True, slots=True)
class Issue:
    """One validation problem, pointing at the file, line and field an operator must fix."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass(slots=True)
class ValidationReport:
    path: str
    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(slots=True)
class ImportReport:
    version: int
    previous: int | None
    counts: dict[str, int]
    seconds: float
    embedded: int
    reused: int
    source: str
