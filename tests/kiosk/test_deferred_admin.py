"""The operator interface while the knowledge base is still opening (`kiosk serve` start-up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.service import DeferredAdmin
from kiosk.web.kb_admin import KnowledgeBaseAdmin
from knowledge.errors import KnowledgeError
from knowledge.store import KnowledgeBase


def test_every_action_refuses_until_the_knowledge_base_is_bound(
    real_kb: KnowledgeBase, tmp_path: Path
) -> None:
    deferred = DeferredAdmin()
    with pytest.raises(KnowledgeError) as refused:
        deferred.status()
    assert refused.value.code == "kb-not-ready"
    with pytest.raises(KnowledgeError):
        deferred.rollback(actor="admin:test")

    deferred.bind(KnowledgeBaseAdmin(real_kb, tmp_path))
    assert deferred.status() == KnowledgeBaseAdmin(real_kb, tmp_path).status()


def test_names_that_are_no_operator_action_are_not_delegated() -> None:
    deferred = DeferredAdmin()
    with pytest.raises(AttributeError):
        deferred.drop_everything  # noqa: B018
    with pytest.raises(AttributeError):
        deferred._staged  # noqa: B018
