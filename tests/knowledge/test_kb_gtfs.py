"""GTFS static import on a tiny feed built here: stations, platforms, entrances, routes,
transfers, pathways, levels and translations."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from knowledge.embeddings import HashEmbedder
from knowledge.errors import ImportRejected
from knowledge.store import KnowledgeBase

FEED = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Test Metro,http://x,Asia/Seoul\n",
    "stops.txt": (
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,level_id\n"
        "S1,Alpha,37.500,127.000,1,,\n"
        "S1P,Alpha platform,37.500,127.000,0,S1,L-1\n"
        "S1E,Alpha exit 1,37.5005,127.0005,2,S1,L0\n"
        "S2,Beta,37.510,127.010,1,,\n"
        "S2PA,Beta red platform,37.510,127.010,0,S2,L-1\n"
        "S2PB,Beta blue platform,37.510,127.010,0,S2,L-2\n"
        "S3,Gamma,37.520,127.020,1,,\n"
        "S3P,Gamma platform,37.520,127.020,0,S3,\n"
        "S4,Delta,37.530,127.030,1,,\n"
        "S4P,Delta platform,37.530,127.030,0,S4,\n"
    ),
    "levels.txt": "level_id,level_index,level_name\nL0,0,Street\nL-1,-1,B1\nL-2,-2,B2\n",
    "routes.txt": (
        "route_id,route_short_name,route_long_name,route_type\n"
        "R,Red,Red Line,1\nB,Blue,Blue Line,1\n"
    ),
    "trips.txt": "route_id,service_id,trip_id\nR,WK,T1\nB,WK,T2\n",
    "stop_times.txt": (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "T1,08:00:00,08:00:00,S1P,1\nT1,08:03:00,08:03:00,S2PA,2\n"
        "T2,08:00:00,08:00:00,S2PB,1\nT2,08:02:00,08:02:00,S3P,2\nT2,08:04:00,08:04:00,S4P,3\n"
    ),
    "transfers.txt": "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nS2PA,S2PB,2,180\n",
    "pathways.txt": (
        "pathway_id,from_stop_id,to_stop_id,pathway_mode,is_bidirectional,signposted_as\n"
        "P1,S1E,S1P,5,1,Platform\nP2,S2PA,S2PB,2,1,Blue Line\n"
    ),
    "translations.txt": (
        "table_name,field_name,language,translation,record_id\n"
        "stops,stop_name,ko,알파,S1\nstops,stop_name,ja,アルファ,S1\n"
    ),
}


def write_feed(folder: Path, feed: dict[str, str] = FEED) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in feed.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def gtfs_kb(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path / "kb", HashEmbedder())
    kb.import_path(write_feed(tmp_path / "feed"), actor="pytest")
    return KnowledgeBase.open(tmp_path / "kb", HashEmbedder())


def test_stations_routes_and_transfer(gtfs_kb: KnowledgeBase) -> None:
    assert gtfs_kb.resolve_station("Beta")[0].complex.key == "Beta"
    assert {ln.names["en"] for ln in gtfs_kb.lines_at("Beta")} == {"Red", "Blue"}
    route = gtfs_kb.route("알파", "Delta")  # translated ko name becomes the complex key
    assert [(leg.line.names["en"], leg.stops) for leg in route.legs] == [("Red", 1), ("Blue", 2)]
    assert route.legs[0].to_station.key == "Beta"
    assert gtfs_kb.complex("알파").names["ja"] == "アルファ"
    assert "zh" in gtfs_kb.complex("Beta").names_fallback


def test_entrances_pathways_levels_transfers_become_facts(gtfs_kb: KnowledgeBase) -> None:
    exits = gtfs_kb._refresh().facts("알파", ("exit",))
    assert exits[0].source_id == "gtfs:stop:S1E" and "Street" in exits[0].text
    lifts = gtfs_kb.elevators("알파", lang="en")
    assert lifts[0].source_id == "gtfs:pathway:P1" and lifts[0].text.startswith("elevator")
    transfers = gtfs_kb._refresh().facts("Beta", ("transfer",), "en")
    assert "3 min" in transfers[0].text


def test_zip_feed_and_bad_reference(tmp_path: Path) -> None:
    feed = dict(FEED)
    feed["stop_times.txt"] += "T2,08:06:00,08:06:00,NOPE,4\n"
    zpath = tmp_path / "feed.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for name, text in feed.items():
            zf.writestr(name, text)
    kb = KnowledgeBase(tmp_path / "kb", HashEmbedder())
    with pytest.raises(ImportRejected) as err:
        kb.import_path(zpath)
    assert [(i.file, i.line, i.field) for i in err.value.issues] == [
        ("stop_times.txt", 7, "stop_id")
    ]
