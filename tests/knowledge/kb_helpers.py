"""Helpers shared by the knowledge tests (imported by conftest and test modules)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from knowledge.importer import BUNDLED

SEOUL = BUNDLED / "seoul"
SUBSET_STATIONS = {"강남", "역삼", "교대", "사당", "신논현", "양재", "홍대입구", "합정"}


def copy_kb(src: Path, dst: Path) -> Path:
    """A private copy of a built KB, for tests that write (rollback, imports)."""
    shutil.copytree(src, dst)
    return dst


def write_subset(folder: Path, names: set[str] = SUBSET_STATIONS) -> Path:
    """Real rows of the bundled CSVs, restricted to a few stations (keeps real-model tests fast)."""
    folder.mkdir(parents=True, exist_ok=True)
    stations = list(csv.DictReader((SEOUL / "stations.csv").open(encoding="utf-8")))
    keep = [r for r in stations if r["name_ko"] in names]
    codes = {r["station_cd"] for r in keep}
    _write(folder / "stations.csv", keep, stations[0].keys())
    edges = [
        r
        for r in csv.DictReader((SEOUL / "edges.csv").open(encoding="utf-8"))
        if r["from_station_cd"] in codes and r["to_station_cd"] in codes
    ]
    _write(folder / "edges.csv", edges, ("line", "from_station_cd", "to_station_cd", "distance_m"))
    elev = [
        r
        for r in csv.DictReader((SEOUL / "elevators_seoulmetro.csv").open(encoding="utf-8"))
        if r["station_cd"] in codes
    ]
    _write(folder / "elevators_seoulmetro.csv", elev, ("station_cd", "line", "location", "status"))
    return folder


def _write(path: Path, rows: list[dict], fields) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(
        buf,
        fieldnames=list(rows[0].keys()) if rows else list(fields),
        lineterminator="\n",
        extrasaction="ignore",
    )
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
