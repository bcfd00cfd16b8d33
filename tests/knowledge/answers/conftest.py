"""The answerer over the session's real knowledge base, and a small fake KB that records what
the answerer asked it."""

from __future__ import annotations

import pytest

from knowledge.answers.answerer import Answerer, AnswerSettings
from tests.kit.knowledge import FakeKB


@pytest.fixture(scope="session")
def answerer(real_kb) -> Answerer:
    return Answerer(real_kb, AnswerSettings(station="강남"))


@pytest.fixture()
def fake_kb() -> FakeKB:
    return FakeKB()
