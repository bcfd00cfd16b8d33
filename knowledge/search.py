"""Hybrid retrieval: vector k-NN over fact embeddings + trigram text ranking over passages,
fused by reciprocal rank (RRF, k=60), filtered by station (before ranking) and line (after).

At a station (the kiosk's question is about one) both rankings read only that station's facts:
vec0 partitioned by complex, and its passages scored directly. Network-wide, vectors go through
the sign-bit index above EXACT_SCAN_LIMIT facts and FTS5 gets only the query's rare trigrams,
so a query costs about the same at 10,000 and at 1,000,000 passages (`kiosk bench --full`)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

from knowledge.bitindex import EXACT_SCAN_LIMIT
from knowledge.embeddings import Embedder
from knowledge.records import Passage
from knowledge.snapshot import Snapshot

RRF_K = 60
MAX_GRAMS = 16
"""Trigrams in one network-wide FTS5 query."""
STATION_MAX_GRAMS = 64
"""Trigrams scored per passage at a station (a long question keeps its last words)."""
FTS_POSTINGS_BUDGET = 20_000
"""Passages a network-wide text query may touch (~2 ms of FTS5 work on 2 cores)."""
RERANK_FACTOR = 4
"""Sign-bit candidates per wanted neighbour, re-ranked by exact cosine."""
_PARTICLE_TAIL = re.compile(r"(에서는|에서|으로|로|에는|에|은|는|이|가|을|를|의|도|요)$")


def query_grams(text: str) -> list[str]:
    """The distinct lower-cased trigrams of each word of 3+ characters (Korean particles off)."""
    grams: list[str] = []
    for word in unicodedata.normalize("NFC", text).split():
        word = re.sub(r"[\"'?!.,()]", "", word)
        stripped = _PARTICLE_TAIL.sub("", word)
        word = stripped if len(stripped) >= 3 else word
        if len(word) < 3:
            continue
        grams.extend(word[i : i + 3] for i in range(len(word) - 2))
    return list(dict.fromkeys(g.lower() for g in grams))


def fts_match(grams: list[str]) -> str | None:
    """OR of the quoted trigrams: typo-tolerant, needs no Korean segmenter."""
    if not grams:
        return None
    return " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _add_ranks(ranks: dict[int, float], fact_ids: Iterable[int]) -> None:
    """Reciprocal-rank fusion: each list adds 1 / (k + rank) to the facts it ranks."""
    for rank, fact_id in enumerate(dict.fromkeys(fact_ids)):
        ranks[fact_id] = ranks.get(fact_id, 0.0) + 1.0 / (RRF_K + rank + 1)


def _station_text_ranks(snap: Snapshot, station: str, query: str, ranks: dict[int, float]) -> None:
    """Text ranking inside one station: its passages are scored by shared trigrams directly,
    in SQL. FTS5 MATCH would score every matching passage of every station first (measured:
    260 ms on 100k passages against ~1 ms for this)."""
    want = query_grams(query)[:STATION_MAX_GRAMS]
    if not want:
        return
    # lower() folds ASCII only, as the trigram tokenizer does; the grams are lower-cased too.
    hits = " + ".join(["(instr(lower(p.text), ?) > 0)"] * len(want))
    rows = snap.conn.execute(
        f"SELECT p.fact_id, max({hits} - length(p.text) / 10000.0) AS score "
        "FROM passages p JOIN facts f ON f.id = p.fact_id WHERE f.complex = ? "
        "GROUP BY p.fact_id HAVING score > 0 ORDER BY score DESC",  # shared grams, then shorter
        (*want, station),
    )
    _add_ranks(ranks, (fact_id for fact_id, _ in rows))


def _rare_grams(snap: Snapshot, grams: list[str]) -> list[str]:
    """The query's rarest trigrams whose passages add up to at most FTS_POSTINGS_BUDGET. FTS5
    scores every passage a gram matches before it sorts, so one common gram (a word in every
    tenth passage) would cost it ~1 ms per 1,000 passages; rare grams are also the ones that
    tell passages apart. Grams no passage holds are dropped: they cannot match."""
    if not snap.scaled_retrieval:
        return grams[:MAX_GRAMS]
    marks = ",".join("?" * len(grams))
    held = dict(
        snap.conn.execute(
            f"SELECT gram, passages FROM passage_grams WHERE gram IN ({marks})", grams
        ).fetchall()
    )
    chosen: list[str] = []
    total = 0
    for gram in sorted(held, key=held.__getitem__):
        total += held[gram]
        if total > FTS_POSTINGS_BUDGET or len(chosen) == MAX_GRAMS:
            break
        chosen.append(gram)
    return chosen


def _network_text_ranks(snap: Snapshot, query: str, pool: int, ranks: dict[int, float]) -> None:
    grams = query_grams(query)
    match = fts_match(_rare_grams(snap, grams)) if grams else None
    if match is None:
        return
    rows = snap.conn.execute(
        "SELECT p.fact_id FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
        "WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?",
        (match, pool * 2),
    )
    _add_ranks(ranks, (fact_id for (fact_id,) in rows))


def _vector_ranks(
    snap: Snapshot, query: np.ndarray, station: str | None, pool: int, ranks: dict[int, float]
) -> None:
    blob = query.tobytes()
    if station:
        # Schema 3 partitions vec0 by complex, so this reads only the station's chunks.
        sql = (
            "SELECT fact_id FROM fact_vec WHERE embedding MATCH ? AND k = ? AND complex = ? "
            "ORDER BY distance"
        )
        rows = snap.conn.execute(sql, (blob, pool, station))
        _add_ranks(ranks, (fact_id for (fact_id,) in rows))
    elif snap.scaled_retrieval and snap.fact_count > EXACT_SCAN_LIMIT:
        candidates = snap.bit_index().nearest(query, pool * RERANK_FACTOR)
        _add_ranks(ranks, _rerank(snap, query, candidates)[:pool])
    else:
        sql = "SELECT fact_id FROM fact_vec WHERE embedding MATCH ? AND k = ? ORDER BY distance"
        _add_ranks(ranks, (fact_id for (fact_id,) in snap.conn.execute(sql, (blob, pool))))


def _rerank(snap: Snapshot, query: np.ndarray, fact_ids: list[int]) -> list[int]:
    """`fact_ids` by exact cosine to `query`. One primary-key lookup each: vec0 answers
    `fact_id IN (...)` with a scan, but a single id from its rowid index (~20 us)."""
    vectors = []
    for fact_id in fact_ids:
        row = snap.conn.execute("SELECT embedding FROM fact_vec WHERE fact_id = ?", (fact_id,))
        vectors.append(row.fetchone()[0])
    if not vectors:
        return []
    matrix = np.frombuffer(b"".join(vectors), dtype=np.float32).reshape(len(vectors), -1)
    cosine = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query) + 1e-12)
    return [fact_ids[i] for i in np.argsort(-cosine, kind="stable")]


def hybrid_search(
    snap: Snapshot,
    embedder: Embedder | None,
    query: str,
    lang: str,
    station: str | None = None,
    line: str | None = None,
    k: int = 5,
) -> list[Passage]:
    pool = max(k * 8, 40)
    ranks: dict[int, float] = {}
    if embedder is not None and snap.embed_model == embedder.model_id:
        vec = np.asarray(embedder.embed_query(query), dtype=np.float32)
        _vector_ranks(snap, vec, station, pool, ranks)
    if station:
        _station_text_ranks(snap, station, query, ranks)
    else:
        _network_text_ranks(snap, query, pool, ranks)
    if not ranks:
        return []
    ordered = sorted(ranks.items(), key=lambda kv: -kv[1])
    out: list[Passage] = []
    # Fetched a few at a time: only the best k survive, unless the line filter drops some.
    for start in range(0, len(ordered), k * 2):
        batch = ordered[start : start + k * 2]
        marks = ",".join("?" * len(batch))
        rows = {
            r[0]: r[1:]
            for r in snap.conn.execute(
                f"SELECT id, source_id, kind, complex, line_id, texts FROM facts "
                f"WHERE id IN ({marks})",
                [fid for fid, _ in batch],
            )
        }
        for fid, score in batch:
            sid, kind, cx, line_id, texts = rows[fid]
            if line and line_id and line_id != line:
                continue
            t = json.loads(texts)
            text_lang = lang if t.get(lang) else ("en" if t.get("en") and lang != "ko" else "ko")
            out.append(Passage(sid, t[text_lang], text_lang, cx, line_id, kind, round(score, 5)))
            if len(out) >= k:
                return out
    return out
