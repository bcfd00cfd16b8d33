"""The notice-feed poller: the operator's GTFS-Realtime Service Alerts into the knowledge base.

Every `interval_s` the daemon asks the feed's server with the validators of the copy it holds
(If-None-Match / If-Modified-Since); a 304 only confirms the copy, a 200 is read up to
`max_bytes` (gzip decoded within the same bound), parsed, mapped to stations and lines
(`knowledge.alert_feed`) and stored in one transaction beside, never over, the operator's own
notices. Anything wrong with a poll (unreachable, timeout, an HTTP error, a wrong content type,
too many bytes, a FeedMessage that does not parse, an older feed than ours) keeps the last good
copy, which is spoken until it is `max_age_s` old and then not at all (`NoticeBoard`).

Each poll publishes one `notice_feed` event (metrics count errors by reason and show the age);
`/readyz` asks `health()`. Logs carry reasons, status codes, sizes and the feed's host and path,
never its query string (where feed keys live).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

import httpx

from kiosk import __version__
from kiosk.config import NoticeFeedSettings
from kiosk.events import EventType
from kiosk.health import ComponentStatus
from knowledge import db
from knowledge.alert_feed import EntityIndex, FeedRejected, parse_alert_feed
from knowledge.errors import KnowledgeError
from knowledge.manifest import Manifest
from knowledge.notice_board import FeedPolicy
from knowledge.store import KnowledgeBase

logger = logging.getLogger(__name__)
# httpx logs every request's full URL at INFO: a feed key in the query would reach the journal.
logging.getLogger("httpx").setLevel(logging.WARNING)

NOTICE_FEED = "notice_feed"
"""The health component (optional: a stale feed degrades the kiosk, it does not stop it)."""
PROTOBUF_TYPES = frozenset(
    {
        "application/x-protobuf",
        "application/protobuf",
        "application/vnd.google.protobuf",
        "application/octet-stream",
    }
)
"""Content types GTFS-Realtime servers use; an HTML login page or a JSON error is refused."""
MAX_REDIRECTS = 3


class FeedError(Exception):
    """One failed poll; `reason` is a metric label from a closed set."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PollResult:
    result: Literal["updated", "unchanged", "error"]
    """updated (a new copy stored), unchanged (304 confirmed the copy) or error."""
    reason: str = ""
    notices: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    skipped: dict[str, int] = dataclasses.field(default_factory=dict)
    """Alerts left out, by why (unmapped, ended, invalid, duplicate-id)."""
    detail: str = ""
    """An error's message (no notice text, no feed key)."""


def feed_policy(feed: NoticeFeedSettings) -> FeedPolicy | None:
    """What the knowledge base needs to know to speak the feed's notices (None: no feed)."""
    return FeedPolicy(feed.url, feed.max_age_s) if feed.url else None


def public_url(url: str) -> str:
    """The URL without query or credentials, for logs."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


class NoticeFeedPoller:
    """Polls one feed into the knowledge base at `kb.root`, on its own worker thread."""

    def __init__(
        self,
        settings: NoticeFeedSettings,
        kb: KnowledgeBase,
        *,
        publish: Callable[..., None] | None = None,
        kiosk_id: str = "kiosk",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.kb = kb
        self._publish = publish
        self._clock = clock
        self._client = httpx.Client(
            timeout=settings.timeout_s,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={
                "User-Agent": f"station-kiosk/{__version__} ({kiosk_id})",
                "Accept": "application/x-protobuf, application/octet-stream",
                "Accept-Encoding": "gzip, identity",
            },
        )
        self._manifest: Manifest | None = None
        self._index: tuple[int, EntityIndex] | None = None
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="notice-feed")
        self.last_error = ""
        self.polls = 0
        self.confirmed_at: datetime | None = None
        """When the server last returned or confirmed the copy held (after the last poll)."""

    # -- the loop ------------------------------------------------------------------------------
    async def run(self) -> None:
        """Poll every `interval_s` until cancelled; a poll never raises into the loop."""
        loop = asyncio.get_running_loop()
        logger.info(
            "notice feed %s: polling every %.0f s", public_url(self.settings.url),
            self.settings.interval_s,
        )  # fmt: skip
        while True:
            try:
                await loop.run_in_executor(self._worker, self.poll)
            except Exception:  # supervise: the poller must outlive any one poll
                logger.exception("notice feed poll crashed; polling on")
            # Up to 10 % early, never late: a fleet restarted at once spreads its polls over
            # the feed server, and a change is still spoken within one interval.
            await asyncio.sleep(self.settings.interval_s * random.uniform(0.9, 1.0))

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
        self._client.close()
        if self._manifest is not None:
            self._manifest.close()

    # -- one poll ------------------------------------------------------------------------------
    def poll(self) -> PollResult:
        """Fetch, check, parse and store the feed once; publishes one `notice_feed` event."""
        started = time.perf_counter()
        try:
            result = self._poll()
            self.last_error = ""
        except FeedError as err:
            result = PollResult("error", err.reason, detail=str(err))
            self.last_error = err.reason
            logger.warning(
                "notice feed %s refused [%s]: %s; keeping the last good copy",
                public_url(self.settings.url), err.reason, err,
            )  # fmt: skip
        except Exception:  # supervise: one bad poll must not end the poller
            result = PollResult("error", "internal")
            self.last_error = "internal"
            logger.exception("notice feed poll failed unexpectedly")
        self.polls += 1
        result = dataclasses.replace(result, seconds=time.perf_counter() - started)
        try:
            age = self.age_s()
        except (KnowledgeError, db.sqlite.Error) as err:  # the store itself is unreadable
            logger.error("notice feed: cannot read the stored copy (%s)", type(err).__name__)
            age = self._age()
        if self._publish is not None:
            self._publish(
                EventType.NOTICE_FEED,
                result=result.result,
                reason=result.reason,
                notices=result.notices,
                age_seconds=None if age is None else round(age, 1),
                confirmed_unix=self.confirmed_at.timestamp() if self.confirmed_at else None,
            )
        return result

    def _poll(self) -> PollResult:
        manifest = self._store()
        version = self.kb.version
        state = manifest.feed_state()
        if state is not None and state["url"] != self.settings.url:
            state = None  # another feed's copy: start afresh
        headers = {}
        if state is not None and state["kb_version"] == version:
            # A copy mapped against an older knowledge version is fetched whole again, so a new
            # import's stations are used without waiting for the feed to change.
            if state["etag"]:
                headers["If-None-Match"] = state["etag"]
            if state["last_modified"]:
                headers["If-Modified-Since"] = state["last_modified"]
        status, body, validators = self._fetch(headers)
        now = self._clock()
        stamp = now.isoformat()
        if status == 304:
            if not headers or not manifest.confirm_feed(self.settings.url, stamp):
                raise FeedError("http-status", "304 without a copy to confirm")
            return PollResult("unchanged")
        try:
            parsed = parse_alert_feed(body, self._entities(version), now)
        except FeedRejected as err:
            raise FeedError(err.reason, err.message) from None
        held = state and state["header_time"] and datetime.fromisoformat(state["header_time"])
        if held and parsed.header_time and parsed.header_time < held:
            raise FeedError("older-feed", "the feed's timestamp is older than the copy held")
        if parsed.skipped:
            logger.info("notice feed: alerts left out %s", dict(parsed.skipped))
        new_state = {
            "url": self.settings.url,
            **validators,
            "kb_version": version,
            "header_time": parsed.header_time.isoformat() if parsed.header_time else None,
            "confirmed_at": stamp,
            "changed_at": stamp,
        }
        try:
            manifest.replace_feed(new_state, parsed.notices)
        except (KnowledgeError, OSError, db.sqlite.Error) as err:
            raise FeedError("store-failed", str(err)) from None
        return PollResult(
            "updated",
            notices=len(parsed.notices),
            bytes_read=len(body),
            skipped=dict(parsed.skipped),
        )

    def _fetch(self, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str | None]]:
        """(status, body, validators); at most `max_bytes` are ever held, compressed or not."""
        limit = self.settings.max_bytes
        deadline = time.monotonic() + self.settings.timeout_s
        try:
            with self._client.stream("GET", self.settings.url, headers=headers) as resp:
                if resp.status_code == 304:
                    return 304, b"", {}
                if resp.status_code != 200:
                    raise FeedError("http-status", f"HTTP {resp.status_code}")
                kind = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                if kind and kind not in PROTOBUF_TYPES:
                    raise FeedError("wrong-content", f"content type {kind!r}, not protobuf")
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FeedError("too-large", f"{declared} bytes declared, limit {limit}")
                body = _read_bounded(resp, limit, deadline)
                validators = {
                    "etag": resp.headers.get("etag"),
                    "last_modified": resp.headers.get("last-modified"),
                }
        except httpx.TimeoutException:
            raise FeedError("timeout", f"no answer within {self.settings.timeout_s} s") from None
        except httpx.TooManyRedirects:
            raise FeedError("http-status", "too many redirects") from None
        except httpx.HTTPError as err:
            raise FeedError("unreachable", type(err).__name__) from None
        return 200, body, validators

    # -- state ---------------------------------------------------------------------------------
    def _store(self) -> Manifest:
        """The poller's own manifest connection (on its thread): the kiosk's readers see each
        stored copy through SQLite's data_version, as they see an import."""
        if self._manifest is None:
            self._manifest = Manifest(self.kb.root)
        return self._manifest

    def _entities(self, version: int) -> EntityIndex:
        if self._index is None or self._index[0] != version:
            self._index = (version, self.kb.entity_index())
        return self._index[1]

    def age_s(self) -> float | None:
        """Seconds since the feed was last confirmed (as stored), None before it ever was.
        Reads the store: call on the poller's thread; `health` uses what it remembered."""
        state = self._store().feed_state()
        if state is None or state["url"] != self.settings.url:
            self.confirmed_at = None
        else:
            self.confirmed_at = datetime.fromisoformat(state["confirmed_at"])
        return self._age()

    def _age(self) -> float | None:
        confirmed = self.confirmed_at
        return None if confirmed is None else max(0.0, (self._clock() - confirmed).total_seconds())

    def health(self) -> ComponentStatus:
        """`/readyz`: ok while the copy is fresh; degraded (not ok, optional) once stale. Asked
        on the event loop: no database, no lock, only what the last poll stored."""
        age = self._age()
        limit = self.settings.max_age_s
        failing = f"; last poll failed ({self.last_error})" if self.last_error else ""
        if age is None:
            detail = "no feed received yet" if not self.last_error else failing[2:]
            return ComponentStatus(False, "notice-feed-stale", detail)
        if age > limit:
            detail = f"not confirmed for {age:.0f} s (max_age_s {limit:.0f}){failing}"
            detail += ": its notices are not spoken"
            return ComponentStatus(False, "notice-feed-stale", detail)
        return ComponentStatus(True, "", f"confirmed {age:.0f} s ago{failing}")


def _read_bounded(resp: httpx.Response, limit: int, deadline: float) -> bytes:
    """The body, decoded from gzip within `limit` too (a small gzip can expand a thousandfold)."""
    encoding = resp.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", ""):
        raise FeedError("wrong-content", f"content encoding {encoding!r}")
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
    out = bytearray()
    for chunk in resp.iter_raw():
        if time.monotonic() > deadline:
            raise FeedError("timeout", "the feed arrived too slowly")
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, limit + 1 - len(out))
            except zlib.error:
                raise FeedError("malformed", "the gzip stream is damaged") from None
        out += chunk
        if len(out) > limit:
            raise FeedError("too-large", f"more than {limit} bytes")
    if inflate is not None and not inflate.eof:
        raise FeedError("malformed", "the gzip stream is cut short")
    return bytes(out)
