"""A real TUF repository served by a real HTTP server on 127.0.0.1, and a kiosk pulling from it.

Two small snapshots are built once per session from real rows of the bundled data: release
one knows eight stations around Gangnam, release two adds Seolleung (which the first lacks),
so "the kiosk answers from the new version" is a question with a different answer.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.updates.client import UpdateClient
from kiosk.updates.repository import FileRepository, KeyStore
from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import SUBSET_STATIONS, write_subset

WITH_SEOLLEUNG = {*SUBSET_STATIONS, "선릉"}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on a free port of 127.0.0.1, as any static file server would."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="tuf-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass(frozen=True)
class Releases:
    data_one: Path
    data_two: Path
    one: Path
    """Snapshot file without Seolleung."""
    two: Path
    """Snapshot file with Seolleung."""


@pytest.fixture(scope="session")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    base = tmp_path_factory.mktemp("releases")
    data_one = write_subset(base / "one" / "seoul")
    data_two = write_subset(base / "two" / "seoul", WITH_SEOLLEUNG)
    kb = KnowledgeBase(base / "workstation", None)
    kb.import_path(data_one, actor="pytest")
    kb.import_path(data_two, actor="pytest")
    kb.close()
    versions = base / "workstation" / "versions"
    return Releases(data_one, data_two, versions / "v000001.sqlite", versions / "v000002.sqlite")


@dataclass
class World:
    """The operator's repository and keys, its server, and one kiosk's knowledge base."""

    repo: FileRepository
    url: str
    kb: KnowledgeBase
    client: UpdateClient
    root: Path

    @property
    def served(self) -> Path:
        return self.repo.repo


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    repo = FileRepository(tmp_path / "repo", KeyStore(tmp_path / "keys"))
    repo.init()
    trusted_root = tmp_path / "kiosk-root.json"
    trusted_root.write_bytes((repo.metadata_dir / "1.root.json").read_bytes())
    kb = KnowledgeBase(tmp_path / "kiosk" / "kb", None)
    with static_server(repo.repo) as url:
        client = UpdateClient(url, trusted_root, tmp_path / "kiosk" / "updates", kb, timeout_s=5)
        yield World(repo, url, kb, client, trusted_root)
    kb.close()
