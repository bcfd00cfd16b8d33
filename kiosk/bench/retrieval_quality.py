"""How well an embedder retrieves: the retrieval set (kiosk/bench/retrieval_set.yaml, 240
passenger questions in four languages with their relevant passages chosen from the records by
scripts/make_retrieval_set.py) asked of the real bundled knowledge base.

Three rankings per question, each cut at TOP_K:
- `vectors`: the embedder alone, exact cosine over every fact vector of the knowledge base;
- `network`: the kiosk's hybrid search (vectors + text, fused) over the whole network;
- `station`: the hybrid search at the station the question is about, as the kiosk asks it.
Recall@k is the share of questions with a relevant passage in the top k; MRR is the mean of
1 / rank of the first relevant passage (0 beyond TOP_K).

Decided before the embedders were compared: `station` is the figure that chooses, as it is the
search the kiosk makes (its answers name a station, or the kiosk's own); `network`, then
`vectors`, break a tie; speed (query embedding, index build) counts after quality.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from knowledge.answers.evaluation import percentile
from knowledge.embeddings import Embedder
from knowledge.store import KnowledgeBase

RETRIEVAL_SET = Path(__file__).with_name("retrieval_set.yaml")
TOP_K = 10
SCOPES = ("vectors", "network", "station")


@dataclass(frozen=True, slots=True)
class RetrievalQuery:
    id: str
    lang: str
    kind: str
    paraphrase: bool
    query: str
    station: str
    relevant: frozenset[str]


def load_queries(path: Path = RETRIEVAL_SET) -> list[RetrievalQuery]:
    """The set's questions; a question without relevant passages is an error, not a zero."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["items"]
    out = []
    for row in raw:
        if not row.get("relevant"):
            raise ValueError(f"{path}: {row.get('id')}: no relevant passages")
        out.append(
            RetrievalQuery(
                id=str(row["id"]),
                lang=row["lang"],
                kind=row["kind"],
                paraphrase=bool(row["paraphrase"]),
                query=unicodedata.normalize("NFC", row["query"]),
                station=row["station"],
                relevant=frozenset(row["relevant"]),
            )
        )
    return out


def first_relevant(ranked: Sequence[str], relevant: frozenset[str]) -> int | None:
    """1-based rank of the first relevant source id, or None when none is ranked."""
    return next((n for n, sid in enumerate(ranked, 1) if sid in relevant), None)


def scores(ranks: Sequence[int | None]) -> dict[str, float]:
    n = len(ranks)
    if not n:
        return {"n": 0, "recall@1": 0.0, "recall@5": 0.0, "mrr": 0.0}
    return {
        "n": n,
        "recall@1": round(sum(r == 1 for r in ranks) / n, 3),
        "recall@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 3),
        "mrr": round(sum(1 / r for r in ranks if r is not None) / n, 3),
    }


class VectorRanking:
    """The embedder's own ranking: every fact vector of the serving snapshot, exact cosine."""

    def __init__(self, kb: KnowledgeBase) -> None:
        snap = kb._refresh()
        rows = snap.conn.execute(
            "SELECT f.source_id, v.embedding FROM facts f JOIN fact_vec v ON v.fact_id = f.id"
        ).fetchall()
        if not rows:
            raise ValueError(f"knowledge base {kb.root} holds no vectors")
        self._ids = [sid for sid, _ in rows]
        matrix = np.frombuffer(b"".join(v for _, v in rows), dtype=np.float32)
        matrix = matrix.reshape(len(rows), -1)
        self._unit = matrix / (np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12)
        self._embedder = kb.embedder

    def ranked(self, query: str, k: int = TOP_K) -> list[str]:
        assert self._embedder is not None
        vec = np.asarray(self._embedder.embed_query(query), dtype=np.float32)
        cosine = self._unit @ (vec / (np.linalg.norm(vec) + 1e-12))
        return [self._ids[i] for i in np.argsort(-cosine, kind="stable")[:k]]


def rank_all(kb: KnowledgeBase, queries: Sequence[RetrievalQuery]) -> dict[str, list[int | None]]:
    """Per scope, the rank of the first relevant passage of each question."""
    vectors = VectorRanking(kb)
    ranks: dict[str, list[int | None]] = {scope: [] for scope in SCOPES}
    for q in queries:
        network = kb.search(q.query, q.lang, k=TOP_K)
        here = kb.search(q.query, q.lang, station=q.station, k=TOP_K)
        ranks["vectors"].append(first_relevant(vectors.ranked(q.query), q.relevant))
        ranks["network"].append(first_relevant([p.source_id for p in network], q.relevant))
        ranks["station"].append(first_relevant([p.source_id for p in here], q.relevant))
    return ranks


def breakdown(
    queries: Sequence[RetrievalQuery], ranks: dict[str, list[int | None]]
) -> dict[str, dict[str, dict[str, float]]]:
    """Scores per scope for every group: all, each language, each kind, paraphrase or not."""
    groups: dict[str, Callable[[RetrievalQuery], bool]] = {"all": lambda q: True}
    for lang in dict.fromkeys(q.lang for q in queries):
        groups[lang] = lambda q, lang=lang: q.lang == lang
    for kind in dict.fromkeys(q.kind for q in queries):
        groups[f"kind:{kind}"] = lambda q, kind=kind: q.kind == kind
    groups["paraphrase"] = lambda q: q.paraphrase
    groups["literal"] = lambda q: not q.paraphrase
    return {
        scope: {
            name: scores([r for q, r in zip(queries, ranks[scope], strict=True) if keep(q)])
            for name, keep in groups.items()
        }
        for scope in SCOPES
    }


def timed_ms(fn: Callable[[Any], Any], items: Sequence[Any]) -> dict[str, float]:
    """p50/p95 in ms of `fn` over `items`, after one warm-up call."""
    fn(items[0])
    ms = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        ms.append((time.perf_counter() - t0) * 1000)
    return {"p50": round(percentile(ms, 50), 2), "p95": round(percentile(ms, 95), 2)}


class ColdStart:
    """The embedder under another id, so a build finds neither shipped nor earlier vectors and
    embeds every text: the build time of an index from nothing. The vectors are the model's."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner

    @property
    def model_id(self) -> str:
        return f"{self.inner.model_id}+cold"

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)


def measure(
    embedder: Embedder,
    queries: Sequence[RetrievalQuery],
    data: Path | None = None,
    *,
    cold: bool = True,
) -> dict[str, Any]:
    """Build the bundled data's index with `embedder` (from nothing when `cold`), then score and
    time it on `queries`. `data` imports another data folder instead (tests use a subset)."""
    subject = ColdStart(embedder) if cold else embedder
    load_at_start = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="kiosk-embedder-eval-"))
    try:
        kb = KnowledgeBase(folder, subject)
        t0 = time.perf_counter()
        report = kb.import_path(data, actor="measure_embedders")
        build_s = time.perf_counter() - t0
        kb = KnowledgeBase.open(folder, subject)
        try:
            ranks = rank_all(kb, queries)
            latency = {
                "query_embedding_ms": timed_ms(embedder.embed_query, [q.query for q in queries]),
                "search_at_station_ms": timed_ms(
                    lambda q: kb.search(q.query, q.lang, station=q.station, k=4), queries
                ),
            }
        finally:
            kb.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "model_id": embedder.model_id,
        "dim": embedder.dim,
        "build": {"seconds": round(build_s, 1), "embedded": report.embedded, "cold": cold},
        "load_average": [round(load_at_start, 2), round(os.getloadavg()[0], 2)],
        **latency,
        "scores": breakdown(queries, ranks),
    }
