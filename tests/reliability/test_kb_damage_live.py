"""A snapshot damaged while the kiosk serves (#17.2, #17.3 at run time), through the real HTTP
server: the damage is found (by a failing read or the periodic check), the last good version
serves by itself, `/readyz` says so, and with nothing good left an operator import over the
admin API brings the kiosk back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.errors import KnowledgeError
from knowledge.manifest import Manifest
from knowledge.store import KnowledgeBase
from tests.kit.settings import make_settings
from tests.reliability.conftest import kill_import
from tests.reliability.http_harness import live_server

QUESTION = "Where is the elevator?"  # read from the facts table: the damaged pages
LINES = "Which lines stop at Jamsil?"


def _damage(snapshot: Path) -> None:
    """Random bytes over every page but the header, in place (the inode stays), as a failing
    disk or a stray `dd` would."""
    size = snapshot.stat().st_size
    with snapshot.open("r+b") as fh:
        fh.seek(4096)
        fh.write(os.urandom(size - 8192))


def test_damage_while_serving_falls_back_to_the_last_good_version(
    kb_root: Path, tmp_path: Path
) -> None:
    KnowledgeBase(kb_root, None).import_path(kill_import.GANGNAM, actor="pytest")  # version 2
    settings = make_settings(tmp_path / "var")
    with live_server(settings, kb_root) as live:
        answerer = Answerer(live.kb, AnswerSettings(station="강남"))
        before = answerer.answer(QUESTION, stt_language="en")
        assert live.kb.version == 2 and before.sources
        _damage(kb_root / "versions" / "v000002.sqlite")

        after = answerer.answer(QUESTION, stt_language="en")  # the passenger's turn works

        with live.client() as http:
            ready = http.get("/readyz")
            status = http.get("/status").json()
        assert after.sources and live.kb.version == 1
        assert ready.status_code == 200
        kb_state = status["components"]["knowledge_base"]
        assert kb_state["ok"] and "version 1, 1 storage error(s)" in kb_state["detail"]
        audit = Manifest(kb_root).audit()
        assert audit[0]["action"] == "auto-rollback" and audit[0]["detail"] == {"version": 1}


@pytest.fixture
def one_version(tmp_path: Path) -> Path:
    root = tmp_path / "kb-one"
    KnowledgeBase(root, None).import_path(kill_import.write_subset(tmp_path / "d" / "seoul"))
    return root


def test_nothing_good_left_is_unready_with_the_reason_until_an_operator_imports(
    one_version: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "var")
    with live_server(settings, one_version) as live:
        _damage(one_version / "versions" / "v000001.sqlite")
        live.kb.verify()  # the service's periodic check: before any passenger meets it

        with live.client() as http:
            ready = http.get("/readyz")
        assert ready.status_code == 503
        failing = ready.json()["failing"]["knowledge_base"]
        assert failing["code"] == "kb-unreadable" and "import" in failing["detail"]
        answerer = Answerer(live.kb, AnswerSettings(station="강남"))
        with pytest.raises(KnowledgeError) as refused:
            answerer.answer(LINES, stt_language="en")
        assert refused.value.code == "kb-unreadable"

        data = (
            kill_import.write_subset(tmp_path / "fresh" / "seoul") / "stations.csv"
        ).read_bytes()
        with live.admin() as http:
            status = http.get("/admin/status").json()
            imported = http.post("/admin/kb/import?format=csv&filename=stations.csv", content=data)
            ready = http.get("/readyz")
        assert status["serving"] is False and status["problem"]["code"] == "kb-unreadable"
        assert imported.status_code == 200, imported.text
        assert imported.json()["version"] == 2
        assert ready.status_code == 200
        assert answerer.answer(LINES, stt_language="en").sources
