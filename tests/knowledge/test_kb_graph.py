"""Line graph: routes with transfers match the published edges."""

from __future__ import annotations

from knowledge.store import KnowledgeBase


def _edge_exists(kb: KnowledgeBase, line: str, a: str, b: str) -> bool:
    return any(ln.id == line and cx.key == b for ln, cx in kb.neighbours(a, line))


def test_hongdae_to_express_bus_terminal_needs_a_transfer(seoul_kb: KnowledgeBase) -> None:
    route = seoul_kb.route("홍대입구", "고속터미널")
    assert route is not None
    assert route.transfers == 1
    assert route.legs[0].from_station.key == "홍대입구"
    assert route.legs[-1].to_station.key == "고속터미널"
    # consecutive legs meet at the transfer station, and lines differ
    for leg, nxt in zip(route.legs, route.legs[1:], strict=False):
        assert leg.to_station.key == nxt.from_station.key
        assert leg.line.id != nxt.line.id
        assert nxt.line.id in [ln.id for ln in seoul_kb.lines_at(leg.to_station)]
    # every leg's first hop is a real edge of that line, and its source ids cite edges
    for leg in route.legs:
        assert _edge_exists(seoul_kb, leg.line.id, leg.from_station.key, leg.toward)
        edges = [s for s in leg.source_ids if s.startswith("edge:")]
        assert len(edges) == leg.stops
        assert all(seoul_kb.source_text(s) for s in leg.source_ids)
    assert route.total_stops == sum(leg.stops for leg in route.legs)


def test_fewest_stops_trades_transfers_for_stops(seoul_kb: KnowledgeBase) -> None:
    few_transfers = seoul_kb.route("홍대입구", "고속터미널", prefer="fewest_transfers")
    few_stops = seoul_kb.route("홍대입구", "고속터미널", prefer="fewest_stops")
    assert few_stops.total_stops <= few_transfers.total_stops
    assert few_transfers.transfers <= few_stops.transfers


def test_same_line_route_has_no_transfer(seoul_kb: KnowledgeBase) -> None:
    route = seoul_kb.route("강남", "역삼")
    assert route.transfers == 0
    assert route.total_stops == 1
    assert route.legs[0].line.id == "2"


def test_lines_and_neighbours(seoul_kb: KnowledgeBase) -> None:
    assert {ln.id for ln in seoul_kb.lines_at("강남")} == {"2", "shinbundang"}
    assert seoul_kb.line("gyeongui-jungang").names == {
        "ko": "경의중앙선",
        "en": "Gyeongui–Jungang Line",
        "zh": "京义中央线",
        "ja": "京義中央線",
    }
    assert seoul_kb.line("2").names["zh"] == "2号线"
    around = {(ln.id, cx.key) for ln, cx in seoul_kb.neighbours("강남")}
    assert around == {
        ("2", "역삼"),
        ("2", "교대"),
        ("shinbundang", "신논현"),
        ("shinbundang", "양재"),
    }


def test_stations_without_edges_have_no_route(seoul_kb: KnowledgeBase) -> None:
    assert seoul_kb.neighbours("아라") == []  # QUALITY.md: no edges published
    assert seoul_kb.route("아라", "강남") is None
