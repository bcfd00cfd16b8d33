"""The daemon's update poller: one verified pull every interval, jittered, backing off.

Jitter spreads a fleet's requests over time (kiosks restarted together by a power cut must
not all ask at once); after a failure the wait doubles from `backoff_initial_s` up to
`backoff_max_s`, so an unreachable or rejecting repository is not hammered by hundreds of
kiosks. Each failure is published as a `kb_update_failed` event (counted in `/metrics`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.config import Settings, UpdateSettings
from kiosk.errors import KioskError
from kiosk.events import EventBus, EventType
from kiosk.updates.client import PullResult, UpdateClient, UpdateRejected

if TYPE_CHECKING:
    from knowledge.store import KnowledgeBase

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    interval_s: float
    jitter: float
    initial_s: float
    max_s: float

    @classmethod
    def from_settings(cls, s: UpdateSettings) -> Backoff:
        return cls(s.interval_s, s.jitter, s.backoff_initial_s, s.backoff_max_s)

    def delay(self, failures: int, draw: float) -> float:
        """Seconds to the next pull after `failures` failures in a row; `draw` is in [0, 1)."""
        base = (
            self.interval_s
            if failures == 0
            else min(self.initial_s * 2 ** (failures - 1), self.max_s)
        )
        return base * (1 + self.jitter * (2 * draw - 1))

    def first_delay(self, draw: float) -> float:
        """A kiosk's first pull comes at a random point of the jitter window after start."""
        return self.interval_s * self.jitter * draw


async def run_poller(
    pull: Callable[[], PullResult],
    backoff: Backoff,
    on_failure: Callable[[str, str], None],
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    draw: Callable[[], float] = random.random,
) -> None:
    """Pull forever (until cancelled); `pull` blocks, so it runs in a worker thread."""
    loop = asyncio.get_running_loop()
    failures = 0
    await sleep(backoff.first_delay(draw()))
    while True:
        try:
            result = await loop.run_in_executor(None, pull)
            failures = 0
            logger.info("knowledge update check: %s (release %s)", result.status, result.release)
        except UpdateRejected as err:
            failures += 1
            on_failure(err.reason, err.message)
        except KioskError as err:  # busy with a CLI pull: not a verification failure
            logger.warning("knowledge update check skipped: %s", err)
        except Exception as err:  # supervise: the poller must outlive any one bad pull
            failures += 1
            logger.exception("knowledge update check failed unexpectedly")
            on_failure("local-error", f"{type(err).__name__}: {err}")
        await sleep(backoff.delay(failures, draw()))


def update_poller(
    settings: Settings, kb: KnowledgeBase, bus: EventBus
) -> Coroutine[Any, Any, None] | None:
    """The daemon's poller for `settings.updates`, or None when no `updates.url` is set; a
    refused update is published as `kb_update_failed` (reason, detail) on `bus`."""
    updates = settings.updates
    if not updates.url:
        return None
    client = UpdateClient(
        updates.url, settings.trusted_root, settings.updates_dir, kb, timeout_s=updates.timeout_s
    )

    def failed(reason: str, detail: str) -> None:
        bus.emit(EventType.KB_UPDATE_FAILED, reason=reason, detail=detail)

    return run_poller(client.pull, Backoff.from_settings(updates), failed)
