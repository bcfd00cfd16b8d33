"""Operator API under `/admin/`: notices, knowledge-base imports and rollback, with an audit log.

Operators change what the kiosk says while it runs, so every change needs a bearer token
(compared in constant time), is rate-limited on failed attempts per client, and is appended
to a JSONL audit log (who, what, when, outcome). The endpoints (`admin_api.py`) only translate
HTTP to `KnowledgeBaseAdmin` (`kb_admin.py`), the one operator interface of the knowledge store;
blocking store calls run on one dedicated worker thread, so imports never overlap and never
stall the event loop. A new operator action is a method there and a route in `admin_api.py`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.web.kb_admin import KnowledgeBaseAdmin

logger = logging.getLogger(__name__)

AUDIT_FILE = "audit.jsonl"
UPLOAD_FORMATS = ("zip", "yaml", "csv", "json")
_CONTENT_TYPES = {
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "text/csv": "csv",
    "application/json": "json",
}


def upload_format(content_type: str | None, explicit: str | None) -> str | None:
    """The upload format from `?format=` or the Content-Type; None when unknown."""
    if explicit:
        return explicit.lower() if explicit.lower() in UPLOAD_FORMATS else None
    base = (content_type or "").split(";")[0].strip().lower()
    return _CONTENT_TYPES.get(base)


class AuditLog:
    """Append-only JSONL record of operator actions in the data folder."""

    def __init__(
        self, path: Path, *, kiosk_id: str = "", clock: Callable[[], datetime] | None = None
    ):
        self.path = path
        self.kiosk_id = kiosk_id
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()

    def record(
        self,
        who: Mapping[str, Any],
        action: str,
        *,
        target: str | None = None,
        outcome: str = "ok",
        detail: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "at": self._clock().isoformat(timespec="seconds"),
            "kiosk_id": self.kiosk_id,
            "who": dict(who),
            "action": action,
            "target": target,
            "outcome": outcome,
        }
        if detail:
            entry["detail"] = dict(detail)
        line = json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":"))
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
                fh.flush()
        logger.info("audit %s %s outcome=%s", action, target or "-", outcome)
        return entry

    def tail(self, limit: int = 50) -> list[dict[str, Any]]:
        """The most recent `limit` entries, newest first; unreadable lines are skipped."""
        if not self.path.exists():
            return []
        with self._lock, self.path.open(encoding="utf-8") as fh:
            lines = deque(fh, maxlen=limit)
        out = []
        for line in reversed(lines):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return out


class FailedAuthLimiter:
    """Refuses a client for a while after too many failed attempts (guessing the token)."""

    def __init__(
        self,
        *,
        max_failures: int = 5,
        window_seconds: float = 60.0,
        max_clients: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.max_clients = max_clients
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, client: str) -> float | None:
        """Seconds until `client` may try again, or None when it may try now."""
        now = self._clock()
        with self._lock:
            times = self._failures.get(client)
            if not times:
                return None
            while times and now - times[0] > self.window:
                times.popleft()
            if len(times) < self.max_failures:
                return None
            return max(0.0, self.window - (now - times[0]))

    def failed(self, client: str) -> None:
        now = self._clock()
        with self._lock:
            times = self._failures.pop(client, None) or deque(maxlen=self.max_failures)
            times.append(now)
            self._failures[client] = times
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


class AuthFailure(Exception):
    """Authentication refused; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


_OPERATOR = re.compile(r"[^\w .@-]", re.UNICODE)


class AdminAuth:
    """Bearer-token check: tokens by label, constant-time comparison, failure rate limit."""

    def __init__(
        self,
        tokens: Mapping[str, str],
        *,
        limiter: FailedAuthLimiter | None = None,
        compare: Callable[[bytes, bytes], bool] = hmac.compare_digest,
    ) -> None:
        self._tokens = {label: tok.encode() for label, tok in tokens.items() if tok}
        self.limiter = limiter or FailedAuthLimiter()
        self._compare = compare

    @property
    def enabled(self) -> bool:
        return bool(self._tokens)

    def authenticate(self, authorization: str | None, client: str) -> str:
        """The matching token's label; raises AuthFailure (403 disabled, 429, 401)."""
        if not self.enabled:
            raise AuthFailure(403, "admin API disabled: set http.admin_token")
        # Every local client is 127.0.0.1: a lockout by address alone locked the real operator
        # out with the guesser (#17.5). The right token always passes; a guesser is refused
        # without learning more, and a token of >= 16 characters is not guessed anyway.
        wait = self.limiter.retry_after(client)
        scheme, _, given = (authorization or "").partition(" ")
        presented = given.strip().encode()
        label = None
        if scheme.lower() == "bearer" and presented:
            # Compare against every token so timing does not reveal which label matched.
            for name, token in self._tokens.items():
                if self._compare(presented, token) and label is None:
                    label = name
        if label is None:
            self.limiter.failed(client)
            if wait is not None:
                raise AuthFailure(429, "too many failed attempts", retry_after=wait)
            logger.warning("admin auth failed from %s", client)
            raise AuthFailure(401, "missing or wrong bearer token")
        self.limiter.succeeded(client)
        return label


def actor_of(who: Mapping[str, Any]) -> str:
    """One string for the store's history: `label:operator@client`."""
    name = f"{who.get('token', '?')}:{who['operator']}" if who.get("operator") else who.get("token")
    return f"{name}@{who.get('client', '?')}"


def operator_name(header: str | None) -> str | None:
    """The self-declared operator name (X-Operator), cleaned for the audit log."""
    if not header:
        return None
    return _OPERATOR.sub("", header)[:64].strip() or None


class AdminWorker:
    """Runs blocking `KnowledgeBaseAdmin` calls one at a time on a dedicated thread."""

    def __init__(self, admin: KnowledgeBaseAdmin) -> None:
        self.admin = admin
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-admin")

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        func = getattr(self.admin, method)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: func(*args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
