"""Vectors of two embedders are never mixed: a knowledge base names the embedder of its vectors,
reports another configured one, searches by text only until re-embedded, and `reembed`
publishes the same data with the configured embedder's vectors, reusing none of the old ones."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kiosk.app import open_knowledge
from kiosk.cli import main
from kiosk.config import load_settings
from knowledge.embeddings import EMBEDDING_MODELS, HashEmbedder
from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import write_subset


class RecordingEmbedder(HashEmbedder):
    """HashEmbedder that records the questions it embeds."""

    def __init__(self, dim: int) -> None:
        super().__init__(dim)
        self.queries: list[str] = []

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return super().embed_query(text)


def test_another_embedder_is_named_searched_by_text_and_reembedded(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    first = KnowledgeBase(root, HashEmbedder(384))
    first.import_path(write_subset(tmp_path / "seoul"), actor="pytest")
    first.close()

    other = RecordingEmbedder(256)
    kb = KnowledgeBase.open(root, other)
    why = kb.embedder_mismatch()
    assert why is not None and "hash-trigram:384" in why and "hash-trigram:256" in why
    hits = kb.search("강남역 엘리베이터", "ko", k=3)
    assert hits and other.queries == []  # text only: a 256-d question never meets 384-d vectors

    report = kb.reembed(actor="pytest")
    assert (report.version, report.previous) == (2, 1)
    assert report.embedded > 0 and report.reused == 0  # no vector of the other model was copied
    assert kb.embedder_mismatch() is None
    status = kb.status()
    assert status["embed_model"] == "hash-trigram:256" and status["source"].startswith("re-embed")
    history = {h["version"]: h for h in status["history"]}
    assert history[2]["counts"] == history[1]["counts"]  # the same data, only new vectors
    snap = kb._refresh()
    dims = {len(v) // 4 for (v,) in snap.conn.execute("SELECT embedding FROM fact_vec")}
    models = {m for (m,) in snap.conn.execute("SELECT DISTINCT model FROM embeddings")}
    assert dims == {256} and models == {"hash-trigram:256"}
    assert kb.search("강남역 엘리베이터", "ko", k=3) and other.queries == ["강남역 엘리베이터"]


def test_a_text_only_version_is_no_mismatch(tmp_path: Path) -> None:
    """A version imported with --no-embed holds no vectors to mix: nothing to re-embed."""
    root = tmp_path / "kb"
    KnowledgeBase(root, None).import_path(write_subset(tmp_path / "seoul"), actor="pytest")
    assert KnowledgeBase.open(root, HashEmbedder()).embedder_mismatch() is None


@pytest.mark.models
def test_switching_embedders_through_the_cli_and_at_start(tmp_path: Path, capsys) -> None:
    """Real models, real CLI: `kb search` refuses a knowledge base embedded by the other model,
    `kb reembed` fixes it, and a kiosk starting with the other embedder re-embeds by itself."""
    data = write_subset(tmp_path / "seoul")
    kb_dir = str(tmp_path / "kb")
    configs = {}
    for name in EMBEDDING_MODELS:
        configs[name] = tmp_path / f"{name}.toml"
        configs[name].write_text(f'[models]\nembedding_model = "{name}"\n', encoding="utf-8")
    first, second = EMBEDDING_MODELS
    kb = ["kb", "--kb-dir", kb_dir]

    assert main([*kb, "import", str(data), "--config", str(configs[first]), "--json"]) == 0
    capsys.readouterr()
    search = [*kb, "search", "Where is the elevator?", "--lang", "en", "--station", "강남"]
    assert main([*search, "--config", str(configs[second])]) != 0
    err = capsys.readouterr().err
    assert "kb-embedder-mismatch" in err and f"holds vectors of {first}:" in err
    assert "kiosk kb reembed" in err

    assert main([*kb, "reembed", "--config", str(configs[second]), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)  # its vectors: computed or shipped for it
    assert report["version"] == 2 and report["embedded"] + report["reused"] > 0
    assert main([*kb, "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["embed_model"].startswith(f"{second}:")
    assert main([*search, "--config", str(configs[second]), "--json"]) == 0
    assert all(hit["station"] == "강남" for hit in json.loads(capsys.readouterr().out))

    settings = load_settings(configs[first], {"data.dir": str(tmp_path / "data")})
    started = open_knowledge(settings, kb_dir=Path(kb_dir))  # what the daemon does at start
    status = started.status()
    assert status["version"] == 3 and status["embed_model"].startswith(f"{first}:")
    assert status["imported_by"].endswith(":re-embed") and started.embedder_mismatch() is None
