"""The in-memory shape every source (Seoul CSVs, GTFS, operator YAML) is parsed into before a build.

Parsers append records and `Issue`s; nothing is written to SQLite until the whole dataset
validated, so a rejected import never touches the serving version.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import languages
from knowledge.lines import LineRegistry
from knowledge.records import Issue

COMPLEX_RADIUS_M = 650.0
"""Same-name stations farther apart than this are different places (e.g. 양평 on line 5 and on the
Gyeongui–Jungang Line, 53 km apart; 신촌 on line 2 and Gyeongui–Jungang, 714 m, no transfer).
Our rule, chosen from the data: every real transfer complex in the source is within 510 m."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@dataclass(slots=True)
class StationRec:
    code: str
    line_id: str
    names: dict[str, str]
    fallback: tuple[str, ...]
    lat: float | None
    lon: float | None
    coord_source: str
    fr_code: str
    source_id: str
    group: str = ""  # parent station (GTFS) or Korean name; complexes group on it


@dataclass(slots=True)
class EdgeRec:
    line_id: str
    a: str
    b: str
    distance_m: float | None
    source_id: str


@dataclass(slots=True)
class FactRec:
    """A sourced fact about a station code (or complex key), with ko/en/zh/ja texts."""

    source_id: str
    kind: str
    station_code: str | None
    line_id: str | None
    texts: dict[str, str]
    data: dict[str, Any] = field(default_factory=dict)
    complex_key: str | None = None  # for operator facts keyed by complex


@dataclass(slots=True)
class Dataset:
    lines: LineRegistry = field(default_factory=LineRegistry)
    stations: list[StationRec] = field(default_factory=list)
    edges: list[EdgeRec] = field(default_factory=list)
    facts: list[FactRec] = field(default_factory=list)
    aliases: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(complex, lang, alias, kind): operator aliases and everyday place names."""
    notices: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    used_lines: set[str] = field(default_factory=set)

    def counts(self) -> dict[str, int]:
        return {
            "stations": len(self.stations),
            "lines": len(self.used_lines),
            "edges": len(self.edges),
            "facts": len(self.facts),
            "notices": len(self.notices),
        }


def distance_m(a: StationRec, b: StationRec) -> float | None:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return None
    dy = (a.lat - b.lat) * 111_320.0
    dx = (a.lon - b.lon) * 111_320.0 * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(dx, dy)


def group_complexes(stations: list[StationRec]) -> dict[str, list[StationRec]]:
    """Group stations into complexes: same group name and within COMPLEX_RADIUS_M of the group.

    A station without coordinates joins the group of its name (nothing says otherwise). When one
    name splits, every part is keyed `name@line` so no part silently owns the bare name.
    """
    by_name: dict[str, list[StationRec]] = defaultdict(list)
    for st in stations:
        by_name[st.group or _without_yeok(st.names["ko"])].append(st)
    result: dict[str, list[StationRec]] = {}
    for group, members in by_name.items():
        # An explicit group keeps its name; otherwise the name most members carry wins:
        # 서울역 (four lines), not GTX-A's bare 서울.
        ko_names = [m.names["ko"] for m in members]
        name = group if any(m.group for m in members) else max(ko_names, key=ko_names.count)
        clusters: list[list[StationRec]] = []
        for st in members:
            for cluster in clusters:
                dists = [d for d in (distance_m(st, o) for o in cluster) if d is not None]
                if not dists or min(dists) <= COMPLEX_RADIUS_M:
                    cluster.append(st)
                    break
            else:
                clusters.append([st])
        if len(clusters) == 1:
            result[name] = clusters[0]
        else:
            for cluster in clusters:
                result[f"{name}@{cluster[0].line_id}"] = cluster
    return result


def _without_yeok(name: str) -> str:
    """서울역 and GTX-A's 서울 are one station: a trailing 역 ('station') is not in the name."""
    return name[:-1] if name.endswith("역") and len(name) > 2 else name


def contested_names(stations: list[StationRec]) -> set[tuple[str, str]]:
    """(lang, name) pairs the source gives to stations of different Korean names.

    E.g. 신논현 on the Shinbundang Line carries zh 江南 / ja カンナム, copied from 강남. Such a
    name is kept only where it is the majority name, never as an alias of the other station."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for st in stations:
        for lang in ("en", "zh", "ja"):
            if st.names.get(lang) and lang not in st.fallback:
                owners[(lang, st.names[lang])].add(_without_yeok(st.names["ko"]))
    return {k for k, v in owners.items() if len(v) > 1}


def complex_names(
    members: list[StationRec], contested: set[tuple[str, str]] = frozenset()
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Names per language for a complex: the most common source name per language, where a
    contested name counts for little (see `contested_names`)."""
    names: dict[str, str] = {}
    fallback: list[str] = []
    for lang in languages.codes():
        counts: dict[str, float] = defaultdict(float)
        for st in members:
            if st.names.get(lang) and lang not in st.fallback:
                counts[st.names[lang]] += 0.1 if (lang, st.names[lang]) in contested else 1.0
        if counts:
            names[lang] = max(counts.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        else:
            names[lang] = members[0].names.get("en") or members[0].names["ko"]
            fallback.append(lang)
    return names, tuple(fallback)
