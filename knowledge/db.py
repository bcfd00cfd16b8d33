"""The one way this project opens SQLite: with sqlite-vec loaded.

The pyenv Python's `sqlite3` is built without extension loading, so we fall back to
`pysqlite3` (a wheel with its own, recent SQLite) when `enable_load_extension` is missing.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import sqlite_vec

logger = logging.getLogger(__name__)


def _sqlite_module() -> ModuleType:
    probe = sqlite3.connect(":memory:")
    try:
        if hasattr(probe, "enable_load_extension"):
            return sqlite3
    finally:
        probe.close()
    import pysqlite3.dbapi2 as pysqlite3  # type: ignore[import-untyped]

    return pysqlite3


sqlite = _sqlite_module()
"""The DB-API module in use; catch `sqlite.Error`, not `sqlite3.Error`, around our connections."""


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open `path` with sqlite-vec loaded, foreign keys on and WAL journaling for writers."""
    if readonly:
        conn = sqlite.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite.connect(str(path), check_same_thread=False)
    conn.enable_load_extension(True)
    sqlite_vec.load(conn)
    conn.enable_load_extension(False)
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly and str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def set_aside_if_damaged(path: Path) -> str | None:
    """Rename a database that is not one (or fails quick_check), with its -wal and -shm, to
    `<name>.damaged-<UTC time>` beside it; returns that name, or None when it is whole."""
    if not path.exists():
        return None
    try:
        conn = connect(path)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite.DatabaseError as err:
        result = str(err)
    if result == "ok":
        return None
    kept = f"{path.name}.damaged-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    for suffix in ("", "-wal", "-shm"):
        src = path.with_name(path.name + suffix)
        if src.exists():
            os.replace(src, path.with_name(kept + suffix))
    logger.error("%s is damaged (%s): kept as %s", path, result, kept)
    return kept
