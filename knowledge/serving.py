"""Which snapshot can serve: damage checks at open and while serving (#17.2, #17.3).

A published snapshot never changes, so a serving file whose inode, size or modification time
moved has been written to by something else: only then is the (slower) `PRAGMA quick_check`
run. A damaged serving version falls back to the newest earlier one that is whole, made current
and audited `auto-rollback`; with none left the knowledge base reports `kb-unreadable` and the
kiosk serves degraded (admin API up) instead of failing every turn or crash-looping.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from knowledge import db
from knowledge.errors import KnowledgeError
from knowledge.manifest import Manifest
from knowledge.snapshot import Snapshot

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KbHealth:
    """What `/readyz` reports for the knowledge base."""

    ok: bool
    version: int | None
    errors: int
    """Storage errors met while serving, since the process started."""
    code: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FileSignature:
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileSignature | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)


def damage(path: Path) -> str | None:
    """Why the snapshot at `path` cannot serve, or None when it is whole."""
    if not path.is_file():
        return "file missing"
    try:
        conn = db.connect(path, readonly=True)
    except db.sqlite.Error as err:
        return str(err)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except db.sqlite.Error as err:
        return str(err)
    finally:
        conn.close()
    return None if result == "ok" else f"quick_check: {result}"


def open_good(manifest: Manifest, root: Path, version: int, path: Path) -> Snapshot:
    """The snapshot of `version`, or, when it is missing or damaged, the newest earlier one that
    is whole, made current (audited `auto-rollback`); `kb-unreadable` when none is."""
    older = [h for h in reversed(manifest.history()) if h["version"] < version]
    candidates = [(version, path)]
    candidates += [(h["version"], root / "versions" / h["file"]) for h in older]
    for v, p in candidates:
        problem = damage(p)
        if problem is None:
            try:
                snap = Snapshot(v, p)
            except (OSError, db.sqlite.Error) as err:
                problem = str(err)
        if problem is not None:
            logger.error("knowledge version %d is unreadable (%s)", v, problem)
            continue
        if v != version:
            manifest.set_current(v, "kiosk", "auto-rollback")
            logger.error("serving knowledge version %d instead of damaged %d", v, version)
        return snap
    raise KnowledgeError(
        "kb-unreadable",
        f"no readable knowledge version in {root}: roll back, import "
        "(POST /admin/kb/import, kiosk kb import) or restore the files",
    )


STORAGE_ERRORS_NOT_READY = 3
"""Reads failing in a row on a file that checks whole (a failing disk) make the kiosk unready."""


class ServingSlot:
    """The snapshot that serves now, why none does (`fault`), and its health while serving.

    Shares the knowledge base's lock: installing and replacing happen under it."""

    def __init__(
        self,
        manifest: Manifest,
        root: Path,
        lock: threading.RLock,
        on_install: Callable[[Snapshot], None],
    ) -> None:
        self.manifest = manifest
        self.root = root
        self.lock = lock
        self.on_install = on_install
        self.snap: Snapshot | None = None
        self.fault: KnowledgeError | None = None
        self.errors = 0
        self.errors_in_a_row = 0
        self._signature: FileSignature | None = None
        self._seen_files: dict[str, FileSignature | None] = {}

    def open(self, version: int, path: Path) -> None:
        """Serve `version` (or the newest whole one before it); raises `kb-unreadable`."""
        with self.lock:
            try:
                snap = open_good(self.manifest, self.root, version, path)
            except KnowledgeError as err:
                self.snap, self.fault = None, err
                raise
            # The old snapshot is not closed here: a query on another thread may still hold it;
            # its read-only connection closes when the last reference goes.
            self.snap, self.fault = snap, None
            self._signature = FileSignature.of(snap.path)
            self.errors_in_a_row = 0
            snap.preload_soon()
            logger.info("knowledge version %d now serving", snap.version)
            self.on_install(snap)

    def storage_failed(self, err: db.sqlite.DatabaseError) -> bool:
        """Count a storage error; True when the serving file was damaged and another version
        now serves (the caller tries once more). Raises `kb-unreadable` when none is left."""
        with self.lock:
            self.errors += 1
            self.errors_in_a_row += 1
            snap = self.snap
            problem = damage(snap.path) if snap is not None else None
            if snap is None or problem is None:
                logger.error("knowledge base read failed (%s); the snapshot file is whole", err)
                return False
            logger.error("knowledge version %d damaged while serving: %s", snap.version, problem)
            self.open(snap.version, snap.path)
            return True

    def verify(self) -> bool:
        """True when nothing serves and the files changed since the last look (a restored or
        newly published version may open now). A serving file that changed on disk is checked,
        and replaced when damaged, before a passenger meets the damage."""
        with self.lock:
            snap = self.snap
            if snap is None:
                return self.fault is not None and self._files_changed()
            if FileSignature.of(snap.path) != self._signature:
                if damage(snap.path) is None:
                    self._signature = FileSignature.of(snap.path)
                else:
                    logger.error("knowledge version %d changed on disk: damaged", snap.version)
                    with contextlib.suppress(KnowledgeError):
                        self.open(snap.version, snap.path)
            return False

    def _files_changed(self) -> bool:
        files = [self.manifest.path, *sorted(self.manifest.versions_dir.iterdir())]
        seen = {str(p): FileSignature.of(p) for p in files}
        changed, self._seen_files = seen != self._seen_files, seen
        return changed

    def health(self) -> KbHealth:
        """Readiness of the knowledge base from what is known now (no I/O, no lock)."""
        snap, fault, errors, in_a_row = self.snap, self.fault, self.errors, self.errors_in_a_row
        if snap is None:
            code = fault.code if fault else "kb-not-open"
            return KbHealth(False, None, errors, code, fault.message if fault else "")
        if in_a_row >= STORAGE_ERRORS_NOT_READY:
            detail = f"{in_a_row} reads in a row failed on version {snap.version}"
            return KbHealth(False, snap.version, errors, "kb-storage-errors", detail)
        return KbHealth(True, snap.version, errors)


def guarded(method: Callable[..., T]) -> Callable[..., T]:
    """A `KnowledgeBase` read (its `_serving` slot) that meets a storage error is counted; a
    damaged serving file falls back to the last good version and the read is tried once more
    there (#17.2)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        for attempt in (1, 2):
            try:
                result = method(self, *args, **kwargs)
            except db.sqlite.DatabaseError as err:
                if attempt == 1 and self._serving.storage_failed(err):
                    continue
                raise KnowledgeError(
                    "kb-storage-error", f"knowledge base read failed: {err}"
                ) from err
            self._serving.errors_in_a_row = 0
            return result
        raise AssertionError("unreachable")

    return wrapper


def layering_base(manifest: Manifest) -> tuple[int, Path] | None:
    """The version an import layers on: the current one, unless it is unreadable (nothing
    whole is left to serve, #17.3): then the upload stands alone."""
    cur = manifest.current()
    if cur is not None and (problem := damage(cur[1])) is not None:
        logger.warning("import not layered on unreadable version %d (%s)", cur[0], problem)
        return None
    return cur


def status_report(
    root: Path,
    version: int | None,
    history: list[dict[str, Any]],
    health: KbHealth,
    *,
    active_notices: int,
    feed_notices: int,
    audit: list[dict[str, Any]],
) -> dict[str, Any]:
    """`KnowledgeBase.status`: what serves, its history and counts, and why not if nothing."""
    entry = next((h for h in history if h["version"] == version), None)
    return {
        "root": str(root),
        "serving": health.ok,
        "problem": None if health.ok else {"code": health.code, "message": health.detail},
        "version": version,
        "versions": [h["version"] for h in history],
        "counts": {
            **(entry["counts"] if entry else {}),
            "notices_active": active_notices,
            "notices_feed": feed_notices,
        },
        "imported_at": entry["created_at"] if entry else None,
        "imported_by": entry["actor"] if entry else None,
        "source": entry["source"] if entry else None,
        "embed_model": entry["embed_model"] if entry else None,
        "history": history,
        "audit": audit,
    }
