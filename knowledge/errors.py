"""Knowledge errors with stable codes, the same `(code, message)` shape as `kiosk.errors`."""

from __future__ import annotations

from knowledge.records import Issue


class KnowledgeError(Exception):
    """Base error of the knowledge package; `code` is short and stable (`kb-empty`)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


class ImportRejected(KnowledgeError):
    """An import failed validation; nothing was published. `issues` name file, line and field."""

    def __init__(self, issues: list[Issue]) -> None:
        shown = "; ".join(str(i) for i in issues[:5])
        more = f" (+{len(issues) - 5} more)" if len(issues) > 5 else ""
        super().__init__("kb-import-rejected", f"import rejected: {shown}{more}")
        self.issues = issues


class NotFound(KnowledgeError):
    """A station, line, version or notice asked for does not exist."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__("kb-not-found", f"{what} not found: {key}")
