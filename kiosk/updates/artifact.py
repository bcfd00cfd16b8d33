"""A snapshot as a release artifact: one compacted SQLite file, gzipped, described in `custom`.

`VACUUM INTO` copies a consistent, compacted single file even from a snapshot a kiosk is
reading; gzip about halves what every kiosk downloads. The kiosk unpacks only after TUF has
checked the gzip's length and hash, and still bounds the output by the signed size.
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge import db
from knowledge.errors import ImportRejected
from knowledge.records import Issue

CHUNK = 1 << 20


def pack(snapshot: Path, out: Path, release: int) -> dict[str, Any]:
    """Write `out` (gzip) from `snapshot`; returns the target's `custom` description."""
    plain = out.with_name(out.name + ".sqlite")
    plain.unlink(missing_ok=True)
    conn = db.connect(snapshot, readonly=True)
    try:
        conn.execute("VACUUM INTO ?", (str(plain),))
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        row = conn.execute("SELECT value FROM meta WHERE key = 'embed_model'").fetchone()
    finally:
        conn.close()
    try:
        digest = hashlib.sha256()
        with plain.open("rb") as src, gzip.open(out, "wb", compresslevel=6) as dst:
            while block := src.read(CHUNK):
                digest.update(block)
                dst.write(block)
        size = plain.stat().st_size
    finally:
        plain.unlink(missing_ok=True)
    return {
        "release": release,
        "schema": schema,
        "embed_model": row[0] if row else "",
        "size": size,
        "sqlite_sha256": digest.hexdigest(),
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def unpack(artifact: Path, out: Path, custom: dict[str, Any]) -> None:
    """Gunzip a verified artifact into `out`, refusing more bytes than the signed size or a
    file whose hash differs from the signed one (a packing bug, never served)."""
    size = int(custom["size"])
    digest = hashlib.sha256()
    written = 0
    try:
        with gzip.open(artifact, "rb") as src, out.open("wb") as dst:
            while block := src.read(CHUNK):
                written += len(block)
                if written > size:
                    break
                digest.update(block)
                dst.write(block)
    except (OSError, EOFError) as err:
        raise _rejected(artifact, f"does not unpack: {err}") from err
    if written != size or digest.hexdigest() != custom["sqlite_sha256"]:
        raise _rejected(artifact, "unpacked snapshot differs from its signed size and hash")


def _rejected(artifact: Path, message: str) -> ImportRejected:
    return ImportRejected([Issue(artifact.name, 0, "-", message)])
