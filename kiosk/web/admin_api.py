"""HTTP routes of the operator API (`/admin/...`), over `kiosk.web.admin` building blocks."""

from __future__ import annotations

import json
import logging
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.web.admin import (
    AdminAuth,
    AdminWorker,
    AuditLog,
    AuthFailure,
    actor_of,
    operator_name,
    upload_format,
)
from kiosk.web.kb_admin import KnowledgeBaseAdmin

logger = logging.getLogger(__name__)

Cause = Literal[
    "UNKNOWN_CAUSE", "OTHER_CAUSE", "TECHNICAL_PROBLEM", "STRIKE", "DEMONSTRATION", "ACCIDENT",
    "HOLIDAY", "WEATHER", "MAINTENANCE", "CONSTRUCTION", "POLICE_ACTIVITY", "MEDICAL_EMERGENCY",
]  # fmt: skip
Effect = Literal[
    "NO_SERVICE", "REDUCED_SERVICE", "SIGNIFICANT_DELAYS", "DETOUR", "ADDITIONAL_SERVICE",
    "MODIFIED_SERVICE", "OTHER_EFFECT", "UNKNOWN_EFFECT", "STOP_MOVED", "NO_EFFECT",
    "ACCESSIBILITY_ISSUE",
]  # fmt: skip


class Texts(BaseModel):
    """Text per language; Korean is required, as in `notices.schema.json`."""

    model_config = ConfigDict(extra="forbid")
    ko: str = Field(min_length=1, max_length=1000)
    en: str | None = Field(None, min_length=1, max_length=1000)
    zh: str | None = Field(None, min_length=1, max_length=1000)
    ja: str | None = Field(None, min_length=1, max_length=1000)

    @field_validator("*")
    @classmethod
    def _nfc(cls, value: str | None) -> str | None:
        return unicodedata.normalize("NFC", value).strip() if value else value


class Period(BaseModel):
    """When a notice is active; times must carry a zone (a bare time is ambiguous)."""

    model_config = ConfigDict(extra="forbid")
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        # A notice that ends before it starts would silently never be spoken.
        if self.start and self.end and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Entity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    station: str | None = Field(None, max_length=64)
    line: str | None = Field(None, max_length=64)
    facility: str | None = Field(None, max_length=64)


class NoticeIn(BaseModel):
    """A notice as in `knowledge/schemas/notices.schema.json` (GTFS-Realtime Alert shape)."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    cause: Cause = "UNKNOWN_CAUSE"
    effect: Effect
    active_period: list[Period] = Field(default_factory=list, max_length=8)
    informed_entity: list[Entity] = Field(min_length=1, max_length=32)
    header_text: Texts
    tts_header_text: Texts | None = None
    description_text: Texts | None = None

    def as_record(self) -> dict[str, Any]:
        """The JSON the store validates: times as ISO strings, empty fields left out."""
        data = self.model_dump(mode="json", exclude_none=True)
        if not data.get("id"):
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            data["id"] = f"op-{stamp}-{secrets.token_hex(2)}"
        data["informed_entity"] = [e for e in data["informed_entity"] if e]
        return data


class AsciiJSONResponse(JSONResponse):
    """JSON escaped to ASCII: a lone surrogate a client sent, echoed in an error, cannot be
    encoded as UTF-8 and turned a 422 into a 500."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """422 naming each bad field; the client's own input is not echoed back (it may be a
    20 MB body or text that cannot be encoded)."""
    errors = getattr(exc, "errors", list)()
    detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
              for e in errors]  # fmt: skip
    return AsciiJSONResponse({"detail": detail}, 422)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _http_error(err: Exception) -> HTTPException:
    """Knowledge errors carry codes; turn them into the matching HTTP status."""
    code = str(getattr(err, "code", "") or "admin-failed")
    message = str(getattr(err, "message", "") or type(err).__name__)
    issues = getattr(err, "issues", None)
    if issues is not None:
        detail = {"code": code, "message": message, "issues": [_issue(i) for i in issues]}
        return HTTPException(422, detail)
    if code.endswith("not-found"):
        return HTTPException(404, {"code": code, "message": message})
    if hasattr(err, "code"):
        return HTTPException(409, {"code": code, "message": message})
    return HTTPException(500, {"code": "admin-failed", "message": "internal error"})


def _issue(issue: Any) -> Any:
    if isinstance(issue, Mapping):
        return dict(issue)
    fields = ("file", "line", "field", "message")
    if all(hasattr(issue, f) for f in fields):
        return {f: getattr(issue, f) for f in fields}
    return str(issue)


async def read_capped(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) as soon as it exceeds `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, {"code": "upload-too-large", "limit": limit})
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, {"code": "upload-too-large", "limit": limit})
        chunks.append(chunk)
    return b"".join(chunks)


class AuthFirstMiddleware:
    """Checks the bearer token of every /admin request before any of its body is read: an
    unauthenticated 18 MB JSON body was parsed first and slowed every other request, passenger
    turns included (#17.6). The route's dependency (`_operator`) takes the label it found."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith("/admin"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        client = scope["client"][0] if scope.get("client") else "unknown"
        try:
            label = scope["app"].state.admin_auth.authenticate(headers.get("authorization"), client)
        except AuthFailure as fail:
            extra = {"WWW-Authenticate": "Bearer"} if fail.status == 401 else {}
            if fail.retry_after is not None:
                extra["Retry-After"] = str(int(fail.retry_after) + 1)
            extra["Connection"] = "close"  # the unread body is not waited for
            response = JSONResponse({"detail": fail.message}, fail.status, headers=extra)
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["admin_label"] = label  # the route need not check again
        await self.app(scope, receive, send)


def _operator(request: Request) -> dict[str, Any]:
    """Dependency: the authenticated operator (`who` in the audit log) or an HTTP error."""
    auth: AdminAuth = request.app.state.admin_auth
    client = _client(request)
    try:
        label = getattr(request.state, "admin_label", None) or auth.authenticate(
            request.headers.get("authorization"), client
        )
    except AuthFailure as fail:
        headers = {"WWW-Authenticate": "Bearer"} if fail.status == 401 else {}
        if fail.retry_after is not None:
            headers["Retry-After"] = str(int(fail.retry_after) + 1)
        raise HTTPException(fail.status, fail.message, headers=headers) from None
    who = {"token": label, "client": client}
    if name := operator_name(request.headers.get("x-operator")):
        who["operator"] = name
    return who


# Module level: FastAPI resolves these (string) annotations through the module's globals.
Who = Annotated[dict[str, Any], Depends(_operator)]
Fmt = Annotated[str | None, Query(alias="format", description="zip, yaml, csv or json")]
Filename = Annotated[
    str | None,
    Query(
        pattern=r"^[\w.-]{1,64}$",
        description="Name of the uploaded file (a CSV is recognised by its name)",
    ),
]


class AdminDispatch:
    """Runs one operator action on the admin worker and audits changes (not reads), whatever
    the outcome; store errors become the matching HTTP errors."""

    def __init__(self, worker: AdminWorker | None, audit: AuditLog) -> None:
        self.worker = worker
        self.audit = audit

    async def __call__(
        self,
        who: dict[str, Any],
        action: str,
        method: str,
        *args: Any,
        target: str | None = None,
        **kw: Any,
    ) -> Any:
        if self.worker is None:
            raise HTTPException(503, {"code": "kb-unavailable", "message": "no knowledge base"})
        audited = not action.startswith("read:")
        if audited and method != "validate_upload":
            kw["actor"] = actor_of(who)
        try:
            result = await self.worker.call(method, *args, **kw)
        except Exception as err:
            http = _http_error(err)
            if http.status_code == 500:
                logger.exception("admin %s failed", action)
            if audited:
                code = http.detail.get("code") if isinstance(http.detail, dict) else None
                self.audit.record(
                    who, action, target=target, outcome="refused", detail={"code": code}
                )
            raise http from None
        if audited:
            detail = _summary(result)
            target = target or detail.get("id")
            self.audit.record(who, action, target=target, outcome="ok", detail=detail)
        return result


async def read_upload(request: Request, fmt: str | None, limit: int) -> tuple[bytes, str]:
    """An upload's bytes (at most `limit`) and its format, or the HTTP error saying why not."""
    data = await read_capped(request, limit)
    kind = upload_format(request.headers.get("content-type"), fmt)
    if kind is None:
        raise HTTPException(415, {"code": "upload-format", "message": "send zip, yaml or csv"})
    if not data:
        raise HTTPException(400, {"code": "upload-empty", "message": "empty body"})
    return data, kind


def build_admin_router(
    admin: KnowledgeBaseAdmin | None, auth: AdminAuth, audit: AuditLog, *, max_upload_bytes: int
) -> tuple[APIRouter, AdminWorker | None]:
    """The `/admin` router and the worker to close at shutdown (None without an admin).

    Each route translates HTTP to one `KnowledgeBaseAdmin` method, by name. The app must
    expose `auth` as `app.state.admin_auth` (`create_app` does).
    """
    worker = AdminWorker(admin) if admin is not None else None
    call = AdminDispatch(worker, audit)
    router = APIRouter(prefix="/admin", tags=["admin"])

    @router.get("/status", summary="Knowledge-base version and counts")
    async def kb_status(who: Who) -> dict[str, Any]:
        return dict(await call(who, "read:status", "status"))

    @router.get("/notices", summary="List notices")
    async def list_notices(who: Who, include_expired: bool = False) -> list[dict[str, Any]]:
        found = await call(who, "read:notices", "list_notices", include_expired=include_expired)
        return [dict(n) for n in found]

    @router.post("/notices", status_code=201, summary="Publish a notice")
    async def add_notice(notice: NoticeIn, who: Who) -> dict[str, Any]:
        record = notice.as_record()
        return dict(await call(who, "notice.add", "add_notice", record, target=record["id"]))

    @router.post("/notices/{notice_id}/expire", summary="End a notice now")
    async def expire_notice(notice_id: str, who: Who) -> dict[str, Any]:
        result = await call(who, "notice.expire", "expire_notice", notice_id, target=notice_id)
        return dict(result)

    @router.post("/kb/validate", summary="Validate an import without publishing it")
    async def validate(
        request: Request, who: Who, fmt: Fmt = None, filename: Filename = None
    ) -> dict[str, Any]:
        data, kind = await read_upload(request, fmt, max_upload_bytes)
        result = await call(
            who, "kb.validate", "validate_upload", data, fmt=kind, filename=filename
        )
        return dict(result)

    @router.post("/kb/import", summary="Validate and publish an import as a new version")
    async def kb_import(
        request: Request, who: Who, fmt: Fmt = None, filename: Filename = None
    ) -> JSONResponse:
        data, kind = await read_upload(request, fmt, max_upload_bytes)
        result = await call(who, "kb.import", "import_upload", data, fmt=kind, filename=filename)
        report = dict(result)
        return JSONResponse(report, status_code=200 if report.get("ok", True) else 422)

    @router.post("/kb/rollback", summary="Serve the version before the current one")
    async def rollback(
        who: Who,
        expected: int | None = Query(
            None, ge=1, description="Refuse (409) unless this version serves now"
        ),
    ) -> dict[str, Any]:
        return dict(await call(who, "kb.rollback", "rollback", expected=expected))

    @router.get("/audit", summary="Recent audit-log entries, newest first")
    async def audit_tail(who: Who, limit: int = Query(50, ge=1, le=1000)) -> list[dict]:
        return audit.tail(limit)

    return router, worker


def _summary(result: Any) -> dict[str, Any]:
    """Small, structured facts about a result for the audit log (never whole uploads)."""
    if not isinstance(result, Mapping):
        return {}
    keep = ("id", "ok", "version", "previous", "counts", "expired")
    out = {k: result[k] for k in keep if k in result}
    if isinstance(result.get("issues"), list):
        out["issues"] = len(result["issues"])
    return out
