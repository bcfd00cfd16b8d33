"""The shipped vectors of the bundled data, one file per embedder: each must cover the data and
hold what its model computes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from knowledge.builder import embed_text
from knowledge.embeddings import (
    EMBEDDING_MODELS,
    make_embedder,
    precomputed_path,
    precomputed_vectors,
    text_hash,
    write_precomputed,
)
from knowledge.store import KnowledgeBase

REGENERATE = "run scripts/precompute_embeddings.py and commit knowledge/data/embeddings/"


@pytest.fixture(scope="module")
def bundled_texts(seoul_kb: KnowledgeBase) -> dict[str, str]:
    """hash -> the text the builder embeds, for every fact of the bundled data."""
    snap = seoul_kb._refresh()
    texts = (embed_text(json.loads(t)) for (t,) in snap.conn.execute("SELECT texts FROM facts"))
    return {text_hash(t): t for t in texts}


@pytest.mark.parametrize("name", EMBEDDING_MODELS)
def test_shipped_vectors_cover_the_bundled_data(bundled_texts: dict[str, str], name: str) -> None:
    model_id = make_embedder(name).model_id
    assert precomputed_path(model_id).is_file(), REGENERATE
    found = precomputed_vectors(model_id, set(bundled_texts))
    missing = len(bundled_texts) - len(found)
    assert set(found) == set(bundled_texts), f"{missing} texts without a vector: {REGENERATE}"


@pytest.mark.models
@pytest.mark.parametrize("name", EMBEDDING_MODELS)
def test_shipped_vectors_are_what_the_model_computes(
    bundled_texts: dict[str, str], name: str
) -> None:
    embedder = make_embedder(name)
    sample = sorted(bundled_texts)[:: max(1, len(bundled_texts) // 12)]
    shipped = precomputed_vectors(embedder.model_id, set(sample))
    fresh = embedder.embed_passages([bundled_texts[h] for h in sample])
    for h, vec in zip(sample, fresh, strict=True):
        stored = np.frombuffer(shipped[h], dtype=np.float32)
        assert float(stored @ vec) / float(np.linalg.norm(stored) * np.linalg.norm(vec)) > 0.999


def test_vectors_of_another_model_are_never_used(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("knowledge.embeddings.PRECOMPUTED", tmp_path)
    vec = np.linspace(-1, 1, 384, dtype=np.float32)
    write_precomputed("model-a", {"h1": vec.tobytes()})
    back = np.frombuffer(precomputed_vectors("model-a", {"h1", "h2"})["h1"], dtype=np.float32)
    assert np.allclose(back, vec, atol=1e-3)  # stored as float16
    assert precomputed_vectors("model-b", {"h1"}) == {}
    assert precomputed_vectors("model a", {"h1"}) == {}  # same file name, other model id
    assert precomputed_vectors("model-a", set()) == {}
