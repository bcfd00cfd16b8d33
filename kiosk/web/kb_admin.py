"""The operator interface of the knowledge store: what `/admin/` can do, over a `KnowledgeBase`.

The store imports from paths; the HTTP API receives bytes. Uploads are written to a private
temporary folder under the data directory (never /tmp, which systemd's PrivateTmp and a full
tmpfs make unreliable), named so the importer recognises them, and removed afterwards.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge.errors import KnowledgeError
from knowledge.records import Issue, Notice
from knowledge.store import KnowledgeBase

UPLOAD_PREFIX = "upload-"
_DEFAULT_NAMES = {"zip": "upload.zip", "json": "upload.json"}
_STATION_LINE = re.compile(r"^station:\s*[\"']?([\w.-]{1,64}?)[\"']?\s*$", re.MULTILINE)
_PLACES_LINE = re.compile(r"^schema:\s*[\"']?kiosk-places/1[\"']?\s*$", re.MULTILINE)


class KnowledgeBaseAdmin:
    """Every operator action on the knowledge base; the `/admin/` routes only translate HTTP.

    Methods block (they run on the admin worker thread). They raise `KnowledgeError` (a `code`)
    on refusal: codes ending in `not-found` map to 404, an error with `issues`
    (`ImportRejected`) to 422, other codes to 409. `actor` names the operator
    ("admin:Kim@10.0.0.5") for the store's own history. Returned mappings are JSON-serialisable.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        workdir: Path,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.kb = kb
        self.workdir = workdir
        self._clock = clock

    def status(self) -> Mapping[str, Any]:
        """Version in use, versions available, counts: what an operator checks first."""
        return self.kb.status()

    def list_notices(self, *, include_expired: bool = False) -> list[Mapping[str, Any]]:
        if include_expired:
            # The store's public API lists active notices only; history is in its audit.
            raise KnowledgeError("kb-unsupported", "listing expired notices is not supported")
        return [notice_dict(n) for n in self.kb.active_notices(None, self._clock())]

    def add_notice(self, notice: Mapping[str, Any], *, actor: str) -> Mapping[str, Any]:
        """Publish one notice (a notices.schema.json item); returns it as stored."""
        return notice_dict(self.kb.add_notice(dict(notice), actor=actor))

    def expire_notice(self, notice_id: str, *, actor: str) -> Mapping[str, Any]:
        """End a notice now; returns what was expired."""
        self.kb.expire_notice(notice_id, actor=actor)
        return {"id": notice_id, "expired": self._clock().isoformat(timespec="seconds")}

    def validate_upload(
        self, data: bytes, *, fmt: str, filename: str | None = None
    ) -> Mapping[str, Any]:
        """Check an import without publishing; report with `ok`, `issues` and `counts`."""
        with self._staged(data, fmt, filename) as path:
            report = self.kb.validate(path)
        return {
            "ok": report.ok,
            "issues": [issue_dict(i) for i in report.issues],
            "counts": dict(report.counts),
        }

    def import_upload(
        self, data: bytes, *, fmt: str, filename: str | None = None, actor: str
    ) -> Mapping[str, Any]:
        """Validate and publish an import as a new version; report with `ok` and `version`."""
        with self._staged(data, fmt, filename) as path:
            report = self.kb.import_path(path, actor=actor)
        return {
            "ok": True,
            "version": report.version,
            "previous": report.previous,
            "counts": dict(report.counts),
            "seconds": report.seconds,
            "issues": [],
        }

    def rollback(self, *, actor: str, expected: int | None = None) -> Mapping[str, Any]:
        """Serve the version before the current one; report with `version`. With `expected`,
        refuse (`kb-version-mismatch`) unless that version serves now."""
        return {"version": self.kb.rollback(actor=actor, expected=expected)}

    def _staged(self, data: bytes, fmt: str, filename: str | None) -> _Staged:
        # NFC: operator files replace stored files of the same name (`강남.yaml`), and an
        # upload from a Mac arrives decomposed.
        name = unicodedata.normalize("NFC", Path(filename).name) if filename else None
        name = name or _DEFAULT_NAMES.get(fmt) or _yaml_name(data, fmt)
        if not name:
            raise KnowledgeError(
                "upload-name-needed",
                "a CSV upload needs ?filename= (e.g. stations.csv); a YAML one a `station:` "
                "line, `schema: kiosk-places/1` or ?filename=",
            )
        self.workdir.mkdir(parents=True, exist_ok=True)
        return _Staged(self.workdir, name, data)


def remove_stale_uploads(workdir: Path) -> list[str]:
    """Delete upload folders a killed kiosk left behind; call at start, before any upload.
    `_Staged` removes its folder when done, so any still there belonged to a dead process."""
    if not workdir.is_dir():
        return []
    stale = [p for p in workdir.iterdir() if p.is_dir() and p.name.startswith(UPLOAD_PREFIX)]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return [p.name for p in stale]


def _yaml_name(data: bytes, fmt: str) -> str | None:
    """An operator YAML file's own name: `<station>.yaml` or `places.yaml`. Stored as one
    `upload.yaml`, a second station's upload silently replaced the first (#17.11)."""
    if fmt != "yaml":
        return None
    text = unicodedata.normalize("NFC", data[:65536].decode("utf-8", errors="replace"))
    if _PLACES_LINE.search(text):
        return "places.yaml"
    station = _STATION_LINE.search(text)
    return f"{station.group(1)}.yaml" if station else None


class _Staged:
    """The upload as a file inside a fresh folder, removed on exit."""

    def __init__(self, workdir: Path, name: str, data: bytes) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX, dir=workdir))
        self.path = self.folder / name
        self.path.write_bytes(data)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def notice_dict(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.id,
        "cause": notice.cause,
        "effect": notice.effect,
        "start": notice.start.isoformat() if notice.start else None,
        "end": notice.end.isoformat() if notice.end else None,
        "informed_entity": [dict(e) for e in notice.informed],
        "header_text": dict(notice.header),
        "tts_header_text": dict(notice.spoken),
        "origin": notice.origin,
    }


def issue_dict(issue: Issue) -> dict[str, Any]:
    return {"file": issue.file, "line": issue.line, "field": issue.field, "message": issue.message}
