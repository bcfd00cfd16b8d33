"""GTFS static import: stops (stations, platforms, entrances), routes, trips/stop_times (for line
edges), transfers, pathways, levels and stop-name translations.

Mapping: a parent station served by a route becomes one station record `<parent>:<route>`
(our model has one code per station and line); the parent station's name groups them into a
complex; entrances become exit facts, pathways become walking/elevator facts.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import languages
from knowledge.dataset import Dataset, EdgeRec, FactRec, StationRec, nfc
from knowledge.records import Issue

GTFS_FILES = (
    "agency.txt",
    "stops.txt",
    "routes.txt",
    "trips.txt",
    "stop_times.txt",
    "transfers.txt",
    "pathways.txt",
    "levels.txt",
    "translations.txt",
    "feed_info.txt",
)
PATHWAY_MODES = {
    "1": ("통로", "walkway"),
    "2": ("계단", "stairs"),
    "3": ("무빙워크", "moving sidewalk"),
    "4": ("에스컬레이터", "escalator"),
    "5": ("엘리베이터", "elevator"),
    "6": ("개찰구", "fare gate"),
    "7": ("출구 개찰구", "exit gate"),
}


def _rows(path: Path, ds: Dataset, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            ds.issues.append(Issue(path.name, 1, ",".join(missing), "missing column"))
            return []
        return [(reader.line_num, {k: nfc(v or "") for k, v in r.items() if k}) for r in reader]


def parse_gtfs_dir(folder: Path, ds: Dataset) -> None:
    stops = {
        r["stop_id"]: (n, r) for n, r in _rows(folder / "stops.txt", ds, ("stop_id", "stop_name"))
    }

    def station_of(stop_id: str) -> str:
        _, row = stops[stop_id]
        return row.get("parent_station") or stop_id

    levels = {r["level_id"]: r for _, r in _rows(folder / "levels.txt", ds, ("level_id",))}
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for _, r in _rows(folder / "translations.txt", ds, ("table_name", "field_name", "language")):
        if r["table_name"] == "stops" and r["field_name"] == "stop_name" and r.get("record_id"):
            names[r["record_id"]][r["language"][:2]] = r.get("translation", "")
    for lineno, row in stops.values():
        parent = row.get("parent_station")
        if parent and parent not in stops:
            ds.issues.append(
                Issue("stops.txt", lineno, "parent_station", f"unknown stop {parent!r}")
            )
    lines = _routes(folder, ds)
    served, edges = _trips(folder, ds, stops, station_of, lines)
    _stations(ds, stops, names, served)
    for line_id, a, b in edges:
        ds.edges.append(EdgeRec(line_id, a, b, None, f"edge:{line_id}:{a}-{b}"))
    any_code = {st.fr_code: st.code for st in ds.stations}
    _entrances(ds, stops, levels, station_of, any_code)
    _pathways(folder, ds, stops, station_of, any_code)
    _transfers(folder, ds, stops, station_of, any_code)


def _routes(folder: Path, ds: Dataset) -> dict[str, Any]:
    """route_id -> the line it is (an existing line by name, or a new one)."""
    lines = {}
    for lineno, r in _rows(folder / "routes.txt", ds, ("route_id",)):
        label = r.get("route_short_name") or r.get("route_long_name")
        if not label:
            ds.issues.append(Issue("routes.txt", lineno, "route_short_name", "route has no name"))
            continue
        line = ds.lines.resolve(label) or ds.lines.resolve(r.get("route_long_name", ""))
        if line is None:
            line = ds.lines.add(
                f"gtfs-{r['route_id']}", {lang: label for lang in languages.codes()}
            )
        lines[r["route_id"]] = line
    return lines


def _trips(
    folder: Path, ds: Dataset, stops: dict, station_of: Callable[[str], str], lines: dict
) -> tuple[dict[tuple[str, str], None], dict[tuple[str, str, str], None]]:
    """(station, line) pairs served and (line, a, b) edges, from the trips' stop sequences."""
    trips = {
        r["trip_id"]: r["route_id"]
        for _, r in _rows(folder / "trips.txt", ds, ("trip_id", "route_id"))
    }
    by_trip: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for lineno, r in _rows(folder / "stop_times.txt", ds, ("trip_id", "stop_id", "stop_sequence")):
        if r["stop_id"] not in stops:
            ds.issues.append(
                Issue("stop_times.txt", lineno, "stop_id", f"unknown stop {r['stop_id']!r}")
            )
            continue
        if r["trip_id"] not in trips:
            ds.issues.append(
                Issue("stop_times.txt", lineno, "trip_id", f"unknown trip {r['trip_id']!r}")
            )
            continue
        try:
            by_trip[r["trip_id"]].append((int(r["stop_sequence"]), r["stop_id"], lineno))
        except ValueError:
            ds.issues.append(Issue("stop_times.txt", lineno, "stop_sequence", "not an integer"))
    served: dict[tuple[str, str], None] = {}
    edges: dict[tuple[str, str, str], None] = {}
    for trip_id, seq in by_trip.items():
        line = lines.get(trips[trip_id])
        if line is None:
            continue
        seq.sort()
        codes = [f"{station_of(s)}:{line.id}" for _, s, _ in seq]
        for _, s, _ in seq:
            served[(station_of(s), line.id)] = None
        for a, b in itertools.pairwise(codes):
            if a != b:
                edges[(line.id, *sorted((a, b)))] = None
    return served, edges


def _stations(
    ds: Dataset, stops: dict, names: dict[str, dict[str, str]], served: dict[tuple[str, str], None]
) -> None:
    """One station record per (parent stop, line), named from translations.txt."""
    for parent, line_id in served:
        _, row = stops[parent]
        nm = {lang: names[parent].get(lang, "") for lang in languages.codes()}
        nm["ko"] = nm["ko"] or row["stop_name"]
        nm["en"] = nm["en"] or row["stop_name"]
        fallback = tuple(lang for lang in ("zh", "ja") if not nm[lang])
        for lang in fallback:
            nm[lang] = nm["en"]
        lat, lon = _coord(row.get("stop_lat")), _coord(row.get("stop_lon"))
        ds.used_lines.add(line_id)
        ds.stations.append(
            StationRec(
                f"{parent}:{line_id}",
                line_id,
                nm,
                fallback,
                lat,
                lon,
                "gtfs",
                parent,
                f"gtfs:stop:{parent}",
                group=nm["ko"],
            )
        )


def _entrances(
    ds: Dataset, stops: dict, levels: dict, station_of: Callable[[str], str], any_code: dict
) -> None:
    """Entrances (location_type 2) as exit facts of their station."""
    for stop_id, (_, row) in stops.items():
        if row.get("location_type") == "2" and station_of(stop_id) in any_code:
            level = levels.get(row.get("level_id", ""), {}).get("level_name", "")
            ko = f"{row['stop_name']}" + (f" ({level})" if level else "")
            texts = {"ko": f"출입구: {ko}", "en": f"Entrance: {ko}"}
            ds.facts.append(
                FactRec(
                    f"gtfs:stop:{stop_id}",
                    "exit",
                    any_code[station_of(stop_id)],
                    None,
                    texts,
                    {"stop_id": stop_id, "level": level},
                )
            )


def _transfers(
    folder: Path, ds: Dataset, stops: dict, station_of: Callable[[str], str], any_code: dict
) -> None:
    for lineno, r in _rows(folder / "transfers.txt", ds, ("from_stop_id", "to_stop_id")):
        a, b = r["from_stop_id"], r["to_stop_id"]
        if a not in stops or b not in stops:
            ds.issues.append(Issue("transfers.txt", lineno, "from_stop_id", "unknown stop"))
            continue
        secs = r.get("min_transfer_time", "")
        na, nb = stops[a][1]["stop_name"], stops[b][1]["stop_name"]
        extra = f" ({int(secs) // 60}분)" if secs.isdigit() else ""
        extra_en = f" ({int(secs) // 60} min)" if secs.isdigit() else ""
        texts = {"ko": f"환승: {na} → {nb}{extra}", "en": f"Transfer: {na} → {nb}{extra_en}"}
        code = any_code.get(station_of(a))
        if code:
            ds.facts.append(
                FactRec(
                    f"gtfs:transfer:{lineno}",
                    "transfer",
                    code,
                    None,
                    texts,
                    {"from_stop": a, "to_stop": b, "min_transfer_time": secs},
                )
            )


def _pathways(folder: Path, ds: Dataset, stops: dict, station_of, any_code: dict) -> None:
    cols = ("pathway_id", "from_stop_id", "to_stop_id", "pathway_mode")
    for lineno, r in _rows(folder / "pathways.txt", ds, cols):
        a, b = r["from_stop_id"], r["to_stop_id"]
        if a not in stops or b not in stops:
            ds.issues.append(Issue("pathways.txt", lineno, "from_stop_id", "unknown stop"))
            continue
        mode = PATHWAY_MODES.get(r["pathway_mode"])
        if mode is None:
            ds.issues.append(Issue("pathways.txt", lineno, "pathway_mode", "not 1-7"))
            continue
        code = any_code.get(station_of(a))
        if code is None:
            continue
        na, nb = stops[a][1]["stop_name"], stops[b][1]["stop_name"]
        sign = r.get("signposted_as", "")
        texts = {
            "ko": f"{mode[0]}: {na} → {nb}" + (f" ({sign})" if sign else ""),
            "en": f"{mode[1]}: {na} → {nb}" + (f" ({sign})" if sign else ""),
        }
        kind = "elevator" if r["pathway_mode"] == "5" else "pathway"
        ds.facts.append(
            FactRec(
                f"gtfs:pathway:{r['pathway_id']}",
                kind,
                code,
                None,
                texts,
                {"mode": mode[1], "from": a, "to": b},
            )
        )


def _coord(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
