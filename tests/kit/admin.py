"""Fakes that record what they received (the HA `MockSttProvider.received` pattern)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from knowledge.errors import KnowledgeError, NotFound


class FakeKnowledgeAdmin:
    """A `KnowledgeAdmin` holding notices in memory and recording every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.notices: dict[str, dict[str, Any]] = {}
        self.version = 1

    def _record(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append((name, args, kwargs))

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]

    def status(self) -> Mapping[str, Any]:
        self._record("status")
        return {"version": self.version, "notices": len(self.notices)}

    def list_notices(self, *, include_expired: bool = False) -> list[Mapping[str, Any]]:
        self._record("list_notices", include_expired=include_expired)
        now = datetime.now(UTC).isoformat()
        return [
            n
            for n in self.notices.values()
            if include_expired or not n.get("end") or n["end"] > now
        ]

    def add_notice(self, notice: Mapping[str, Any], *, actor: str) -> Mapping[str, Any]:
        self._record("add_notice", dict(notice), actor=actor)
        self.notices[notice["id"]] = dict(notice)
        return self.notices[notice["id"]]

    def expire_notice(self, notice_id: str, *, actor: str) -> Mapping[str, Any]:
        self._record("expire_notice", notice_id, actor=actor)
        if notice_id not in self.notices:
            raise NotFound("notice", notice_id)
        end = datetime.now(UTC).isoformat()
        self.notices[notice_id]["end"] = end
        return {"id": notice_id, "expired": end}

    def validate_upload(
        self, data: bytes, *, fmt: str, filename: str | None = None
    ) -> Mapping[str, Any]:
        self._record("validate_upload", len(data), fmt=fmt, filename=filename)
        ok = not data.startswith(b"bad")
        issues = [] if ok else [{"file": "upload", "line": 1, "field": "x", "message": "bad"}]
        return {"ok": ok, "issues": issues, "format": fmt}

    def import_upload(
        self, data: bytes, *, fmt: str, filename: str | None = None, actor: str
    ) -> Mapping[str, Any]:
        self._record("import_upload", len(data), fmt=fmt, filename=filename, actor=actor)
        if data.startswith(b"bad"):
            return {"ok": False, "issues": [{"message": "bad"}]}
        self.version += 1
        return {"ok": True, "version": self.version, "issues": []}

    def rollback(self, *, actor: str, expected: int | None = None) -> Mapping[str, Any]:
        self._record("rollback", actor=actor)
        previous = self.version
        if expected is not None and expected != previous:
            raise KnowledgeError("kb-version-mismatch", f"version {previous} serves")
        self.version = max(1, self.version - 1)
        return {"version": self.version, "previous": previous}
