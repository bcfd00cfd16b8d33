"""The manifest database: which snapshot serves, the import history, the audit log, live notices.

Publishing a version is one transaction here (insert version row + move `state.current`), so a
reader sees either the old or the new version, never a half. Snapshot files are written and
renamed before that transaction; a file newer than every version the manifest knows is the
leftover of a killed import and is removed by `cleanup` under the import lock. An older file
the manifest does not know is an operator's data: it is never deleted. A manifest that is gone
while snapshots remain is rebuilt from them (history, serving version: the newest), and
nothing is written into a manifest deleted under a running kiosk.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge import db
from knowledge.builder import apply_migrations
from knowledge.errors import KnowledgeError, NotFound
from knowledge.importer import source_hashes

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations" / "manifest"
TMP_PREFIX = ".tmp-"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


SNAPSHOT = re.compile(r"^v(\d{6})\.sqlite$")


class ManifestMissing(KnowledgeError):
    """The manifest file was removed under a running kiosk: writing would go nowhere."""


class Manifest:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / "manifest.sqlite"
        self.versions_dir = self.root / "versions"
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        # A corrupt manifest made every start exit with a traceback (#17.3): it is kept for an
        # engineer and rebuilt from the snapshots like a lost one.
        damaged = db.set_aside_if_damaged(self.path)
        orphans = [] if self.path.exists() else self._snapshot_files()
        self.conn = db.connect(self.path)
        self.conn.execute("PRAGMA busy_timeout = 5000")
        with self.conn:
            apply_migrations(self.conn, MIGRATIONS, 0)
        if orphans:
            self._recover(orphans, damaged)

    def _snapshot_files(self) -> list[tuple[int, Path]]:
        found = (SNAPSHOT.match(p.name) for p in self.versions_dir.iterdir())
        return sorted((int(m.group(1)), self.versions_dir / m.group(0)) for m in found if m)

    def _recover(self, snapshots: list[tuple[int, Path]], damaged: str | None = None) -> None:
        """Rebuild the history from the snapshot files; the newest serves. Notices and the
        audit trail lived only in the lost manifest: the recovery is audited, loudly."""
        parent = None
        with self.conn:
            for version, path in snapshots:
                made = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                self.conn.execute(
                    "INSERT INTO versions VALUES (?, ?, ?, ?, ?, '{}', ?, '', 0)",
                    (version, path.name, made.isoformat(timespec="seconds"), "recovery",
                     "recovered from the snapshot file", parent),
                )  # fmt: skip
                parent = version
            self.conn.execute("UPDATE state SET current = ?, changed_at = ?", (parent, now_iso()))
            detail: dict[str, Any] = {"versions": [v for v, _ in snapshots]}
            if damaged:
                detail["damaged_copy"] = damaged
            self._audit("recovery", "manifest-recovered", detail)
        logger.error(
            "knowledge base manifest was %s: rebuilt from %d snapshot(s), serving version "
            "%d; notices and the audit trail before now are lost",
            f"damaged (kept as {damaged})" if damaged else "missing",
            len(snapshots),
            parent,
        )

    def _writable(self) -> None:
        """Refuse to write into a manifest that was deleted under us (its writes would vanish
        and the next start would not know them)."""
        if not self.path.exists():
            raise ManifestMissing(
                "kb-manifest-missing",
                f"{self.path} is gone: restart the kiosk to rebuild it from the snapshots",
            )

    def close(self) -> None:
        self.conn.close()

    # -- reading ------------------------------------------------------------------------------
    def data_version(self) -> int:
        """Changes whenever another connection committed: a cheap 'anything new?' check."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def current(self) -> tuple[int, Path] | None:
        row = self.conn.execute(
            "SELECT v.version, v.file FROM state s JOIN versions v ON v.version = s.current"
        ).fetchone()
        return (row[0], self.versions_dir / row[1]) if row else None

    def history(self) -> list[dict[str, Any]]:
        cols = (
            "version",
            "file",
            "created_at",
            "actor",
            "source",
            "counts",
            "parent",
            "embed_model",
            "seconds",
        )
        rows = self.conn.execute(
            f"SELECT {', '.join(cols)} FROM versions ORDER BY version"
        ).fetchall()
        out = [dict(zip(cols, r, strict=True)) for r in rows]
        for r in out:
            r["counts"] = json.loads(r["counts"])
        return out

    def audit(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [{"at": a, "actor": b, "action": c, "detail": json.loads(d)} for a, b, c, d in rows]

    def notices(self) -> list[tuple[dict, str | None]]:
        rows = self.conn.execute("SELECT body, expired_at FROM notices ORDER BY id").fetchall()
        return [(json.loads(b), e) for b, e in rows]

    def feed_state(self) -> dict[str, Any] | None:
        """The stored state of the notice feed (url, validators, times), or None."""
        cols = ("url", "etag", "last_modified", "kb_version", "header_time", "confirmed_at",
                "changed_at", "revision")  # fmt: skip
        row = self.conn.execute(f"SELECT {', '.join(cols)} FROM feed_state").fetchone()
        return dict(zip(cols, row, strict=True)) if row else None

    def feed_notices(self) -> list[dict]:
        rows = self.conn.execute("SELECT body FROM feed_notices ORDER BY rowid").fetchall()
        return [json.loads(b) for (b,) in rows]

    def diff(self, a: int | None = None, b: int | None = None) -> dict[str, Any]:
        """What changed from version a to b (default: parent of current -> current)."""
        history = {h["version"]: h for h in self.history()}
        cur = self.current()
        b = b if b is not None else (cur[0] if cur else None)
        if b is None or b not in history:
            raise NotFound("version", str(b))
        a = a if a is not None else history[b]["parent"]
        if a is None or a not in history:
            raise NotFound("version", str(a))
        sa = source_hashes(self.versions_dir / history[a]["file"])
        sb = source_hashes(self.versions_dir / history[b]["file"])
        ca, cb = history[a]["counts"], history[b]["counts"]
        return {
            "from": a,
            "to": b,
            "counts": {
                k: {"from": ca.get(k), "to": cb.get(k)}
                for k in sorted(set(ca) | set(cb))
                if ca.get(k) != cb.get(k)
            },
            "files_added": sorted(set(sb) - set(sa)),
            "files_removed": sorted(set(sa) - set(sb)),
            "files_changed": sorted(k for k in set(sa) & set(sb) if sa[k] != sb[k]),
        }

    # -- writing ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def import_lock(self) -> Iterator[None]:
        """One writer at a time across processes; stale temp files are safe to delete inside."""
        with (self.root / "import.lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self.cleanup()
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def cleanup_if_idle(self) -> list[str]:
        """`cleanup` now if no import holds the lock (another process or thread), else nothing.

        Called at open, so a kiosk restarted after a killed import does not keep its half-written
        files until the next import."""
        with (self.root / "import.lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return []
            try:
                return self.cleanup()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def cleanup(self) -> list[str]:
        """Delete temp files and the snapshot of a killed import: one newer than every known
        version (renamed into place, never published). Call under the import lock."""
        known = {r[0] for r in self.conn.execute("SELECT file FROM versions")}
        newest = self.next_version() - 1
        removed = []
        for path in self.versions_dir.iterdir():
            base = path.name.split(".sqlite")[0] + ".sqlite"  # v000003.sqlite-wal -> v000003.sqlite
            match = SNAPSHOT.match(base)
            unpublished = match is not None and base not in known and int(match.group(1)) > newest
            if path.name.startswith(TMP_PREFIX) or unpublished:
                path.unlink(missing_ok=True)
                removed.append(path.name)
            elif match is not None and base not in known:
                logger.warning("kept %s: a snapshot the manifest does not list", path.name)
        if removed:
            logger.warning("removed %d leftover file(s) of an interrupted import", len(removed))
        return removed

    def next_version(self) -> int:
        return (self.conn.execute("SELECT max(version) FROM versions").fetchone()[0] or 0) + 1

    def temp_path(self) -> Path:
        return self.versions_dir / f"{TMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}.sqlite"

    def publish(
        self,
        tmp: Path,
        version: int,
        *,
        actor: str,
        source: str,
        counts: dict[str, int],
        embed_model: str,
        seconds: float,
        notices: list[dict],
    ) -> Path:
        """Rename the finished temp file into place, then switch `current` in one transaction."""
        self._writable()
        final = self.versions_dir / f"v{version:06d}.sqlite"
        os.replace(tmp, final)
        _fsync_dir(self.versions_dir)
        parent = self.current()
        with self.conn:
            self.conn.execute(
                "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    version,
                    final.name,
                    now_iso(),
                    actor,
                    source,
                    json.dumps(counts),
                    parent[0] if parent else None,
                    embed_model,
                    seconds,
                ),
            )
            self.conn.execute("UPDATE state SET current = ?, changed_at = ?", (version, now_iso()))
            for body in notices:
                self._upsert_notice(body, actor)
            self._audit(actor, "import", {"version": version, "source": source, "counts": counts})
        return final

    def set_current(self, version: int, actor: str, action: str) -> None:
        self._writable()
        with self.conn:
            self.conn.execute("UPDATE state SET current = ?, changed_at = ?", (version, now_iso()))
            self._audit(actor, action, {"version": version})

    def prune(self, keep: int, actor: str) -> list[int]:
        """Forget all but the newest `keep` versions and delete their snapshots; the serving
        version and the one a rollback would serve are always kept. Call under the import lock.

        The rows go first: a kill between the two leaves a file the manifest does not list,
        which `cleanup` keeps (with a warning) rather than deleting something still listed."""
        self._writable()
        cur = self.current()
        rows = self.conn.execute("SELECT version, file FROM versions ORDER BY version").fetchall()
        keep_set = {v for v, _ in rows[-keep:]} if keep > 0 else {v for v, _ in rows}
        if cur is not None:
            older = [v for v, _ in rows if v < cur[0]]
            keep_set |= {cur[0], *older[-1:]}
        gone = [(v, f) for v, f in rows if v not in keep_set]
        if not gone:
            return []
        with self.conn:
            self.conn.executemany("DELETE FROM versions WHERE version = ?", [(v,) for v, _ in gone])
            self._audit(actor, "prune", {"versions": [v for v, _ in gone], "keep": keep})
        for _, name in gone:
            for path in self.versions_dir.glob(f"{name}*"):  # with its -wal/-shm, if any
                path.unlink(missing_ok=True)
        logger.info("pruned %d old knowledge version(s), keeping %d", len(gone), len(keep_set))
        return [v for v, _ in gone]

    def add_notice(self, body: dict, actor: str) -> None:
        self._writable()
        with self.conn:
            self._upsert_notice(body, actor)
            self._audit(actor, "notice-add", {"id": body["id"]})

    def expire_notice(self, notice_id: str, actor: str) -> bool:
        self._writable()
        with self.conn:
            cur = self.conn.execute(
                "UPDATE notices SET expired_at = ? WHERE id = ? AND expired_at IS NULL",
                (now_iso(), notice_id),
            )
            if cur.rowcount:
                self._audit(actor, "notice-expire", {"id": notice_id})
        return bool(cur.rowcount)

    def suppress_notice(self, body: dict, actor: str) -> None:
        """Record a notice as expired locally (a feed notice an operator ended): its id then
        overrides the feed's for as long as the row stays."""
        self._writable()
        with self.conn:
            self._upsert_notice(body, actor)
            self.conn.execute(
                "UPDATE notices SET expired_at = ? WHERE id = ?", (now_iso(), body["id"])
            )
            self._audit(actor, "notice-expire", {"id": body["id"], "origin": "feed"})

    def replace_feed(self, state: dict[str, Any], notices: list[dict]) -> None:
        """Store a new copy of the feed: its notices and state in one transaction (a reader
        sees the old feed or the new one). Operator notices are not touched."""
        self._writable()
        with self.conn:
            revision = self.conn.execute(
                "SELECT coalesce(max(revision), 0) + 1 FROM feed_state"
            ).fetchone()[0]
            self.conn.execute("DELETE FROM feed_notices")
            self.conn.executemany(
                "INSERT INTO feed_notices (id, body) VALUES (?, ?)",
                [(n["id"], json.dumps(n, ensure_ascii=False)) for n in notices],
            )
            self.conn.execute("DELETE FROM feed_state")
            self.conn.execute(
                "INSERT INTO feed_state (id, url, etag, last_modified, kb_version, header_time, "
                "confirmed_at, changed_at, revision) VALUES (1, :url, :etag, :last_modified, "
                ":kb_version, :header_time, :confirmed_at, :changed_at, :revision)",
                {**state, "revision": revision},
            )

    def confirm_feed(self, url: str, at: str) -> bool:
        """The server said our copy of `url` is current (304): it stays fresh from `at`."""
        self._writable()
        with self.conn:
            cur = self.conn.execute(
                "UPDATE feed_state SET confirmed_at = ? WHERE url = ?", (at, url)
            )
        return bool(cur.rowcount)

    def _upsert_notice(self, body: dict, actor: str) -> None:
        self.conn.execute(
            "INSERT INTO notices (id, body, created_at, actor, expired_at) "
            "VALUES (?, ?, ?, ?, NULL) "
            "ON CONFLICT(id) DO UPDATE SET body = excluded.body, actor = excluded.actor, "
            "expired_at = NULL",
            (body["id"], json.dumps(body, ensure_ascii=False), now_iso(), actor),
        )

    def _audit(self, actor: str, action: str, detail: dict) -> None:
        self.conn.execute(
            "INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (now_iso(), actor, action, json.dumps(detail, ensure_ascii=False)),
        )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
