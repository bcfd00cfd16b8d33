"""Retrieval and import figures for `kiosk bench`: the real knowledge base, and generated
corpora of 100,000 and 1,000,000 passages to see how the kiosk's query path scales.

A generated corpus has random unit vectors and Korean/English passages made of station words;
it is built once with bulk inserts and cached under the data folder (`cache/bench/`), because
a million vectors take minutes to write and the point is to time queries, not the build. The
query vector is random too (the real model's cost is measured on the real knowledge base).
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from knowledge import db
from knowledge.answers.evaluation import percentile
from knowledge.builder import MIGRATIONS, apply_migrations, index_text, insert_vectors
from knowledge.search import hybrid_search
from knowledge.snapshot import Snapshot
from knowledge.store import KnowledgeBase

logger = logging.getLogger(__name__)

REAL_QUERIES = (
    ("엘리베이터 어디에 있어요?", "ko"),
    ("화장실은 어디예요?", "ko"),
    ("홍대입구 가는 방법", "ko"),
    ("Where is the elevator?", "en"),
    ("Is there a locker near the exit?", "en"),
    ("电梯在哪里", "zh"),
    ("エレベーターはどこですか", "ja"),
    ("물품보관함 있어요?", "ko"),
)
WORDS = (
    "엘리베이터", "화장실", "출구", "환승", "승강장", "물품보관함", "방면", "대합실", "계단",
    "elevator", "toilet", "exit", "transfer", "platform", "locker",
)  # fmt: skip
SYNTHETIC_QUERIES = (
    "엘리베이터 어디",
    "transfer platform exit",
    "화장실 출구 방면",
    "locker 보관함",
)
COMPLEXES = 700
"""About the number of station complexes in the Seoul network."""
BATCH = 20_000
CORPUS_LAYOUT = 2
"""Bumped when the generated corpus changes (2: facts station by station, as the builder
writes them)."""


def timed(fn: Callable[[int], Any], n: int) -> dict[str, float]:
    """p50/p99/max in ms over `n` calls of `fn(i)`, after one warm-up call."""
    fn(0)
    ms = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        ms.append((time.perf_counter() - t0) * 1000)
    return {
        "p50": round(percentile(ms, 50), 2),
        "p99": round(percentile(ms, 99), 2),
        "max": round(max(ms), 2),
    }


def real_retrieval(kb: KnowledgeBase, here: Any, queries: int) -> dict[str, Any]:
    """The kiosk's query path on the real data: query embedding + vec0 + FTS5 + fusion."""
    embedder = kb.embedder
    q = REAL_QUERIES
    out: dict[str, Any] = {
        "facts": kb.status()["counts"].get("facts"),
        "search_at_station_ms": timed(lambda i: kb.search(*q[i % len(q)], station=here), queries),
        "search_whole_network_ms": timed(lambda i: kb.search(*q[i % len(q)]), queries),
    }
    if embedder is not None:
        out["query_embedding_ms"] = timed(lambda i: embedder.embed_query(q[i % len(q)][0]), queries)
    return out


def import_figures(kb: KnowledgeBase) -> dict[str, Any]:
    """The first import of this KB (from its history) and a re-import into a scratch copy,
    which reuses the stored embeddings as an operator's data update mostly does."""
    history = kb.status()["history"]
    first = history[0] if history else {}
    out: dict[str, Any] = {
        "first_import_s": first.get("seconds"),
        "first_import_at": first.get("created_at"),
    }
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        copy = Path(tmp) / "kb"
        shutil.copytree(kb.root, copy, ignore=shutil.ignore_patterns("*.lock"))
        scratch = KnowledgeBase.open(copy, kb.embedder)
        try:
            t0 = time.perf_counter()
            report = scratch.import_path(None, actor="bench")
            out["reimport_s"] = round(time.perf_counter() - t0, 2)
            out["reimport_embedded"], out["reimport_reused"] = report.embedded, report.reused
        finally:
            scratch.close()
    return out


class RandomQuery:
    """Stands in for the embedding model on a generated corpus (its vectors are random)."""

    model_id, dim = "synthetic", 384

    def __init__(self, seed: int = 1) -> None:
        self._rng = np.random.default_rng(seed)

    def embed_query(self, text: str) -> np.ndarray:
        v = self._rng.standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)


def synthetic_corpus(n: int, folder: Path) -> tuple[Path, float | None]:
    """The cached corpus of `n` passages; returns (path, build seconds or None if cached)."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = max(int(m.name[:4]) for m in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    # A schema or layout change rebuilds it.
    path = folder / f"synthetic-{n}-schema{schema}-layout{CORPUS_LAYOUT}.sqlite"
    if path.is_file():
        return path, None
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    conn = db.connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        apply_migrations(conn, MIGRATIONS, RandomQuery.dim)
        _fill(conn, n)
    finally:
        conn.close()
    tmp.rename(path)
    seconds = round(time.perf_counter() - t0, 1)
    logger.info("synthetic corpus of %d passages built in %.1f s", n, seconds)
    return path, seconds


def _fill(conn: Any, n: int) -> None:
    rng = np.random.default_rng(0)
    rnd = random.Random(0)
    complexes = [f"역{i:04d}" for i in range(COMPLEXES)]
    with conn:
        conn.executemany(
            "INSERT INTO complexes VALUES (?, '{}', '[]', NULL, NULL, ?)",
            [(c, f"complex:{c}") for c in complexes],
        )
        conn.execute("INSERT INTO meta VALUES ('embed_model', ?)", (RandomQuery.model_id,))
        for start in range(0, n, BATCH):
            ids = range(start + 1, min(n, start + BATCH) + 1)
            vecs = rng.standard_normal((len(ids), RandomQuery.dim)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            facts, passages, vectors = [], [], []
            for row, fid in enumerate(ids):
                cx = complexes[(fid - 1) * COMPLEXES // n]
                text = f"{cx} " + " ".join(rnd.choice(WORDS) for _ in range(6)) + f" {fid}"
                texts = json.dumps({"ko": text, "en": text}, ensure_ascii=False)
                facts.append((fid, f"syn:{fid}", "synthetic", cx, None, None, texts, "{}"))
                passages.append((fid, "ko", text))
                vectors.append((fid, vecs[row].tobytes(), cx))
            conn.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", facts)
            conn.executemany(
                "INSERT INTO passages (fact_id, lang, text) VALUES (?, ?, ?)", passages
            )
            insert_vectors(conn, vectors)
        index_text(conn)


def synthetic_retrieval(n: int, folder: Path, queries: int) -> dict[str, Any]:
    """Query times on a generated corpus: at one station (the kiosk's path) and network-wide."""
    path, build_s = synthetic_corpus(n, folder)
    snap = Snapshot(1, path)
    fake = RandomQuery()
    qs = SYNTHETIC_QUERIES
    try:
        at_station = timed(
            lambda i: hybrid_search(
                snap, fake, qs[i % len(qs)], "ko", station=f"역{(i * 7) % COMPLEXES:04d}", k=4
            ),
            queries,
        )
        network = timed(lambda i: hybrid_search(snap, fake, qs[i % len(qs)], "ko", k=4), queries)
    finally:
        snap.close()
    return {
        "passages": n,
        "build_s": build_s,
        "cached": build_s is None,
        "search_at_station_ms": at_station,
        "search_whole_network_ms": network,
    }
