"""Shared fixtures: one real knowledge base (bundled data, FTS only) per test session, and a
small fake KB that records what the answerer asked it."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answers.answerer import Answerer, AnswerSettings
from tests.answers.fakes import FakeKB


@pytest.fixture(scope="session")
def real_kb(tmp_path_factory: pytest.TempPathFactory):
    from knowledge.store import KnowledgeBase

    root: Path = tmp_path_factory.mktemp("answers-kb")
    KnowledgeBase(root, None).import_path()  # the bundled data; ~1 s without embeddings
    kb = KnowledgeBase.open(root)
    yield kb
    kb.close()


@pytest.fixture(scope="session")
def answerer(real_kb) -> Answerer:
    return Answerer(real_kb, AnswerSettings(station="강남"))


@pytest.fixture()
def fake_kb() -> FakeKB:
    return FakeKB()
