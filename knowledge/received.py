"""Publishing a snapshot built elsewhere (a signed fleet update) with the import's checks.

A pulled snapshot was built on the operator's workstation by the same `kb import`; the kiosk
does not rebuild it (no re-embedding on a small CPU), but it trusts nothing it has not checked:
the file must be a whole SQLite database of a schema this code can read, its kept source files
must pass the very parser and checks an import applies, and it must open as a serving
snapshot. Only then is it copied in and published by the manifest's one transaction, so a
reader sees the old version or the new one, never a half.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from knowledge import db, importer
from knowledge.errors import ImportRejected
from knowledge.manifest import Manifest
from knowledge.publish import writing_version
from knowledge.records import ImportReport, Issue
from knowledge.snapshot import Snapshot

SOURCE_NAME = re.compile(r"^(seoul|gtfs|operator)/[^/\\]+$")
"""Where an import keeps its files (`importer.collect`): one folder level, known folders."""
SNAPSHOT_MIGRATIONS = Path(__file__).parent / "migrations" / "snapshot"


def newest_schema() -> int:
    """The newest snapshot schema (migration number) this code can read."""
    return max(int(p.name[:4]) for p in SNAPSHOT_MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def check_snapshot(path: Path) -> tuple[dict[str, int], str]:
    """Counts and embedding model of a snapshot file, or ImportRejected saying what is wrong."""
    name = path.name
    try:
        conn = db.connect(path, readonly=True)
    except db.sqlite.Error as err:
        raise ImportRejected([Issue(name, 0, "-", f"not a knowledge snapshot: {err}")]) from err
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise ImportRejected([Issue(name, 0, "-", "the SQLite file is damaged")])
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        if not 1 <= schema <= newest_schema():
            raise ImportRejected(
                [
                    Issue(
                        name,
                        0,
                        "schema",
                        f"snapshot schema {schema}; this kiosk reads 1..{newest_schema()} "
                        "(update the kiosk software before this data)",
                    )
                ]
            )
        sources = {p: bytes(c) for p, c in conn.execute("SELECT path, content FROM sources")}
        strays = [p for p in sources if not SOURCE_NAME.match(p)]
        if strays:  # the parser writes each source under its name: no other folders, no `..`
            raise ImportRejected([Issue(name, 0, "sources", f"unexpected file {strays[0]!r}")])
        row = conn.execute("SELECT value FROM meta WHERE key = 'embed_model'").fetchone()
        tables = {t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {  # what `build_snapshot` reported when the snapshot was made
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("stations", "complexes", "lines", "edges", "facts", "passages")
            if t in tables
        }
    except db.sqlite.Error as err:
        raise ImportRejected([Issue(name, 0, "-", f"not a knowledge snapshot: {err}")]) from err
    finally:
        conn.close()
    ds = importer.parse(sources)
    if ds.issues:
        raise ImportRejected(ds.issues)
    try:
        Snapshot(0, path).close()  # the same load a serving kiosk does: names, lines, graph
    except (db.sqlite.Error, KeyError, ValueError) as err:
        raise ImportRejected([Issue(name, 0, "-", f"does not load: {err}")]) from err
    return counts, row[0] if row else ""


def adopt_snapshot(manifest: Manifest, path: Path, actor: str, source: str) -> ImportReport:
    """Check `path` and publish a copy of it as the next version; the file itself is untouched."""
    t0 = time.perf_counter()
    counts, embed_model = check_snapshot(path)
    with manifest.import_lock():
        cur = manifest.current()
        version = manifest.next_version()
        with writing_version(manifest, version, cur[0] if cur else None) as tmp:
            shutil.copyfile(path, tmp)
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            seconds = round(time.perf_counter() - t0, 2)
            manifest.publish(
                tmp,
                version,
                actor=actor,
                source=source,
                counts=counts,
                embed_model=embed_model,
                seconds=seconds,
                notices=[],
            )
    return ImportReport(version, cur[0] if cur else None, counts, seconds, 0, 0, source)
