"""Fixtures every suite shares.

Importing the bundled data takes about a second without embeddings; it is done once per
session here, and suites that write copy it (`copy_bundled_kb`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.store import KnowledgeBase


@pytest.fixture(scope="session")
def bundled_kb_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled Seoul data imported without embeddings (structured answers and FTS only).

    Never written to: open it read-only through a copy (`copy_bundled_kb`).
    """
    root = tmp_path_factory.mktemp("kb-template")
    KnowledgeBase(root, None).import_path(None, actor="pytest")
    return root


def copy_bundled_kb(template: Path, dest: Path) -> Path:
    """A private, writable copy of the bundled knowledge base (version 1)."""
    return Path(shutil.copytree(template, dest))


@pytest.fixture(scope="session")
def real_kb(tmp_path_factory: pytest.TempPathFactory, bundled_kb_template: Path):
    """The bundled knowledge base opened for reading (a private copy), for the whole session."""
    root = copy_bundled_kb(bundled_kb_template, tmp_path_factory.mktemp("answers") / "kb")
    kb = KnowledgeBase.open(root)
    yield kb
    kb.close()
