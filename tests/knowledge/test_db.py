"""The SQLite helper loads sqlite-vec, whichever sqlite module this Python has."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_vec

from knowledge.db import connect, sqlite


def test_vec0_knn_query_returns_nearest_rows(tmp_path: Path) -> None:
    conn = connect(tmp_path / "kb.sqlite")
    conn.execute("CREATE VIRTUAL TABLE items USING vec0(embedding float[3])")
    rows = {1: [1.0, 0.0, 0.0], 2: [0.0, 1.0, 0.0], 3: [0.9, 0.1, 0.0]}
    for rowid, vector in rows.items():
        conn.execute(
            "INSERT INTO items(rowid, embedding) VALUES (?, ?)",
            (rowid, sqlite_vec.serialize_float32(vector)),
        )
    found = conn.execute(
        "SELECT rowid, distance FROM items WHERE embedding MATCH ? AND k = 2 ORDER BY distance",
        (sqlite_vec.serialize_float32([1.0, 0.05, 0.0]),),
    ).fetchall()
    assert [rowid for rowid, _ in found] == [1, 3]
    assert found[0][1] < found[1][1]


def test_fts5_trigram_is_available_for_korean(tmp_path: Path) -> None:
    conn = connect(tmp_path / "kb.sqlite")
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(text, tokenize='trigram')")
    conn.execute("INSERT INTO docs(text) VALUES ('강남역 엘리베이터는 3번 출구')")
    assert conn.execute("SELECT count(*) FROM docs WHERE docs MATCH '엘리베이터'").fetchone() == (
        1,
    )


def test_readonly_connection_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    connect(path).execute("CREATE TABLE t(x)")
    conn = connect(path, readonly=True)
    with pytest.raises(sqlite.OperationalError, match="readonly"):
        conn.execute("INSERT INTO t VALUES (1)")
