"""Versioned store: validation with file:line, atomic publish, rollback, crash safety, reload."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from knowledge import db
from knowledge.embeddings import HashEmbedder
from knowledge.errors import ImportRejected
from knowledge.store import KnowledgeBase
from tests.kit.paths import REPO
from tests.knowledge.kb_helpers import write_subset


@pytest.fixture
def small(tmp_path: Path) -> tuple[KnowledgeBase, Path]:
    data = write_subset(tmp_path / "data" / "seoul")
    kb = KnowledgeBase(tmp_path / "kb", HashEmbedder())
    kb.import_path(data, actor="alice")
    return KnowledgeBase.open(tmp_path / "kb", HashEmbedder()), data


def test_bad_file_rejected_with_file_line_field_and_old_version_serves(
    small, tmp_path: Path
) -> None:
    kb, data = small
    before = kb.version
    bad = tmp_path / "bad"
    bad.mkdir()
    rows = (data / "stations.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace(rows[3].split(",")[2], "99호선", 1)  # unknown line label on line 4
    (bad / "stations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        kb.import_path(bad, actor="mallory")
    issue = err.value.issues[0]
    assert (issue.file, issue.line, issue.field) == ("stations.csv", 4, "line")
    assert "stations.csv:4: line" in str(err.value)
    assert kb.version == before
    assert kb.resolve_station("강남")[0].complex.key == "강남"
    assert kb.status()["versions"] == [before]


def test_bad_operator_yaml_names_line_and_field(small, tmp_path: Path) -> None:
    kb, _ = small
    f = tmp_path / "강남.yaml"
    f.write_text(
        textwrap.dedent("""\
        schema: kiosk-operator/1
        station: 강남
        id: gangnam
        exits:
          - number: "3"
            source: "field survey 2026-05"
            landmarks: {ko: "버스 정류장"}
          - number: "4"
            landmarks: {ko: "출처 없는 값"}
        """),
        encoding="utf-8",
    )
    report = kb.validate(f)
    assert not report.ok
    assert [(i.file, i.line, i.field) for i in report.issues] == [("강남.yaml", 8, "exits.1")]
    with pytest.raises(ImportRejected):
        kb.import_path(f)


def test_operator_file_layers_on_serving_version_and_diff(small, tmp_path: Path) -> None:
    kb, _ = small
    f = tmp_path / "강남.yaml"
    f.write_text(
        textwrap.dedent("""\
        schema: kiosk-operator/1
        station: 강남
        id: gangnam
        phone:
          - example: true
            text: {ko: "예시 번호", en: "example number"}
        """),
        encoding="utf-8",
    )
    v1 = kb.version
    report = kb.import_path(f, actor="bob")
    assert report.version == v1 + 1 and report.previous == v1
    assert report.reused > 0 and report.embedded == 1  # only the new passage was embedded
    assert kb.version == report.version  # the same object sees the new version
    phone = kb.operator_facts("강남").phone
    assert phone[0].source_id == "op:gangnam:phone:1" and phone[0].data["example"] is True
    assert kb.elevators("강남")  # base data kept
    d = kb.diff()
    assert (
        d["files_added"] == ["operator/강남.yaml"]
        and d["counts"]["facts"]["to"] > d["counts"]["facts"]["from"]
    )
    assert kb.status()["imported_by"] == "bob"


def test_rollback_restores_previous_version(small, tmp_path: Path) -> None:
    kb, _ = small
    v1 = kb.version
    reader = KnowledgeBase.open(kb.root, HashEmbedder())  # another process-like reader
    write_subset(tmp_path / "more" / "seoul", {"강남", "역삼", "선릉"})
    kb.import_path(tmp_path / "more", actor="bob")
    assert reader.resolve_station("선릉") and reader.version == v1 + 1
    assert kb.rollback(actor="carol") == v1
    assert reader.version == v1
    assert reader.resolve_station("선릉") == []
    assert kb.status()["audit"][0]["action"] == "rollback"


_SLOW_IMPORT = """
import sys, time
from pathlib import Path
from knowledge.embeddings import HashEmbedder
from knowledge.store import KnowledgeBase

class Slow(HashEmbedder):
    def embed_passages(self, texts):
        print("embedding", flush=True)
        time.sleep(30)
        return super().embed_passages(texts)

KnowledgeBase(Path(sys.argv[1]), Slow()).import_path(Path(sys.argv[2]), actor="killed")
"""


def test_killed_import_leaves_consistent_db(small, tmp_path: Path) -> None:
    kb, _ = small
    v1 = kb.version
    more = write_subset(tmp_path / "more" / "seoul", {"강남", "선릉"})
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_IMPORT, str(kb.root), str(more)],
        stdout=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert proc.stdout.readline().strip() == b"embedding"  # mid-build: temp file exists
        assert any(p.name.startswith(".tmp-") for p in (kb.root / "versions").iterdir())
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert kb.version == v1 and kb.resolve_station("선릉") == []
    conn = db.connect(kb.root / "manifest.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    report = kb.import_path(more, actor="retry")  # the next import cleans up and succeeds
    assert report.version == v1 + 1
    assert not any(p.name.startswith(".tmp-") for p in (kb.root / "versions").iterdir())


def test_crash_between_rename_and_commit_is_cleaned(small) -> None:
    kb, data = small
    orphan = kb.root / "versions" / "v000099.sqlite"
    orphan.write_bytes(b"half")
    kb.import_path(data, actor="x")
    assert not orphan.exists()
    assert kb.version == 2


def test_data_version_check_is_cheap(small) -> None:
    kb, _ = small
    kb.resolve_station("강남")
    t0 = time.perf_counter()
    for _ in range(200):
        _ = kb.version
    assert (time.perf_counter() - t0) / 200 < 0.002


def test_facts_and_vectors_are_written_station_by_station(seoul_kb: KnowledgeBase) -> None:
    # A station's facts share pages (and its vec0 partition its chunks) only if they were
    # written together: every station's fact ids form one unbroken run.
    snap = seoul_kb._refresh()
    runs = snap.conn.execute(
        "SELECT complex, min(id), max(id), count(*) FROM facts GROUP BY complex"
    ).fetchall()
    assert len(runs) > 600
    assert all(last - first + 1 == count for _, first, last, count in runs)
    bits = snap.conn.execute("SELECT count(*) FROM fact_bits").fetchone()[0]
    assert bits == snap.fact_count


class _OtherModel(HashEmbedder):
    @property
    def model_id(self) -> str:
        return "other-model:384"


def test_another_embedding_model_is_reported_and_text_search_still_serves(
    seoul_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="knowledge.store"):
        kb = KnowledgeBase.open(seoul_root, _OtherModel())
        hits = kb.search("엘리베이터", "ko", station="강남", k=3)
    kb.close()
    assert "vector search is off until `kiosk kb reembed`" in caplog.text
    assert hits and all(h.station == "강남" for h in hits)
