"""`KnowledgeBase.import_snapshot`: a snapshot built elsewhere is checked as an import is, then
published as a copy; anything else is refused with the serving version unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import db
from knowledge.errors import ImportRejected
from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import write_subset


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small snapshot file from real rows of the bundled data."""
    base = tmp_path_factory.mktemp("received")
    kb = KnowledgeBase(base / "elsewhere", None)
    kb.import_path(write_subset(base / "data" / "seoul"), actor="pytest")
    kb.close()
    return base / "elsewhere" / "versions" / "v000001.sqlite"


def altered(built: Path, tmp_path: Path, *sql: str) -> Path:
    copy = tmp_path / "altered.sqlite"
    shutil.copyfile(built, copy)
    conn = db.connect(copy)
    with conn:
        for statement in sql:
            conn.execute(statement)
    conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, as shipped
    conn.close()
    return copy


def test_a_good_snapshot_is_published_as_a_copy(built: Path, tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "kb", None)
    report = kb.import_snapshot(built, "tester", "tuf release 4 sha256:ab")
    assert (report.version, report.previous) == (1, None) and report.counts["stations"] > 0
    assert kb.published()[0] == 1 and kb.best_station("Gangnam") is not None
    assert kb.status()["source"] == "tuf release 4 sha256:ab" and built.is_file()
    assert kb.import_snapshot(built, "tester", "again").previous == 1  # a new local version


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        (("PRAGMA user_version = 99",), "snapshot schema 99"),
        (
            ("UPDATE sources SET path = 'seoul/../../etc/x' WHERE path LIKE '%stations.csv'",),
            "unexpected file",
        ),
        (("UPDATE sources SET content = X'00' WHERE path LIKE '%stations.csv'",), "NUL byte"),
        (("DROP TABLE aliases",), "does not load"),
    ],
)
def test_a_snapshot_that_fails_a_check_is_refused(built, tmp_path, sql, says) -> None:
    kb = KnowledgeBase(tmp_path / "kb", None)
    kb.import_snapshot(built, "tester", "first")
    with pytest.raises(ImportRejected, match=says):
        kb.import_snapshot(altered(built, tmp_path, *sql), "tester", "second")
    assert kb.published()[0] == 1 and len(kb.published()[1]) == 1
    assert not list((tmp_path / "kb" / "versions").glob(".tmp-*"))


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ImportRejected, match="not a knowledge snapshot"):
        KnowledgeBase(tmp_path / "kb", None).import_snapshot(junk, "tester", "junk")
