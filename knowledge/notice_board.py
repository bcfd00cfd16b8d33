"""The notices answers may speak: the operator's own, then the feed's while the feed is fresh.

Two stores, one view. Operator notices (admin API, imports) live in the manifest's `notices`
table; the GTFS-Realtime feed's in `feed_notices`, replaced whole at each feed change. A local
notice overrides the feed's notice of the same id, even once expired: that is how an operator
silences a feed notice that is wrong for their station. The feed's notices count only while
the feed is fresh (confirmed by its server within `max_age_s`) and only for the feed the
settings name: a stale copy is never spoken as current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from knowledge.manifest import Manifest
from knowledge.operator import notice_from_dict
from knowledge.records import Notice


@dataclass(frozen=True, slots=True)
class FeedPolicy:
    """Which feed's stored notices may be spoken, and for how long after its last poll."""

    url: str
    max_age_s: float


@dataclass(frozen=True, slots=True)
class FeedCopy:
    """The stored copy of the feed: its notices and when its server last confirmed it."""

    notices: tuple[Notice, ...] = ()
    bodies: tuple[dict, ...] = ()
    confirmed_at: datetime | None = None

    def age_s(self, now: datetime) -> float | None:
        """Seconds since the feed was last confirmed, None when it never was."""
        if self.confirmed_at is None:
            return None
        return max(0.0, (now - self.confirmed_at).total_seconds())


class NoticeBoard:
    """Loaded from the manifest whenever it changed (`reload`), read by every answer."""

    def __init__(self, feed: FeedPolicy | None) -> None:
        self.feed_policy = feed
        self.local: list[Notice] = []
        self.local_ids: set[str] = set()
        self.feed = FeedCopy()
        self._feed_key: tuple[str, int] | None = None

    def reload(self, manifest: Manifest) -> None:
        rows = manifest.notices()
        self.local = [notice_from_dict(b) for b, expired in rows if not expired]
        self.local_ids = {b["id"] for b, _ in rows}
        state = manifest.feed_state() if self.feed_policy else None
        if state is None or not self.feed_policy or state["url"] != self.feed_policy.url:
            self.feed, self._feed_key = FeedCopy(), None
            return
        # A poll that only confirms the copy (304) moves `confirmed_at`, not the revision:
        # the notices parsed last time stay (a big feed is not re-read every interval).
        key = (state["url"], state["revision"])
        bodies, notices = self.feed.bodies, self.feed.notices
        if key != self._feed_key:
            bodies = tuple(manifest.feed_notices())
            notices = tuple(notice_from_dict(b, origin="feed") for b in bodies)
            self._feed_key = key
        self.feed = FeedCopy(notices, bodies, datetime.fromisoformat(state["confirmed_at"]))

    def feed_fresh(self, now: datetime) -> bool:
        age = self.feed.age_s(now)
        policy = self.feed_policy
        return policy is not None and age is not None and age <= policy.max_age_s

    def active(self, now: datetime) -> list[Notice]:
        """Operator notices active at `now`, then the fresh feed's not overridden locally."""
        out = [n for n in self.local if n.active(now)]
        if self.feed_fresh(now):
            out += [n for n in self.feed.notices if n.id not in self.local_ids and n.active(now)]
        return out

    def find(self, notice_id: str) -> Notice | None:
        """A notice by id, local first (active or not is the caller's question)."""
        found = next((n for n in self.local if n.id == notice_id), None)
        return found or next((n for n in self.feed.notices if n.id == notice_id), None)

    def feed_body(self, notice_id: str) -> dict | None:
        return next((b for b in self.feed.bodies if b["id"] == notice_id), None)
