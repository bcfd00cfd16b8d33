"""Typed kiosk events and the one bus every consumer reads them from.

The pipeline publishes a `KioskEvent` at each stage; the state machine, metrics, `/status`,
the captions page and tests all consume the same stream, so what the screen shows and what
the metrics count can never disagree. Publishing never blocks and never raises: a slow
captions browser or a failing metrics listener must not delay the passenger's answer.

Passenger words travel only under the keys in `PASSENGER_TEXT_KEYS`; consumers that must not
see them (metrics, status, logs) read `event.public_data`, which drops those keys.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

logger = logging.getLogger(__name__)

PASSENGER_TEXT_KEYS = frozenset({"transcript", "answer"})
"""Data keys that may hold what a passenger said or what the kiosk answered them."""


class EventType(StrEnum):
    """Stages of a turn and of the daemon's health, in the order a turn emits them.

    Data conventions (all optional unless noted; `turn_id` is a str on every turn event):
    - listening_started / speech_started: `turn_id`
    - speech_ended: `turn_id`, `speech_seconds`
    - transcript: `turn_id`, `transcript` (passenger text), `language`
    - transcript_rejected: `turn_id`, `reason` (noise, hallucination guard); turn_done follows
    - answer_sentence: `turn_id`, `answer` (one sentence), `language`, `index`
    - answer_done: `turn_id`, `outcome`, `language`, `answer` (full text), `choices` (the
      stations a "Did you mean …?" offers: [{`station`, `name`}], for the screen's buttons)
    - offer_chosen: `station` (complex key): the passenger touched one of those buttons
    - audio_started: `turn_id`; playback_stopped: `turn_id`, `reason` (finished|barge_in|...)
    - barge_in: `turn_id` (the interrupted turn)
    - turn_done: `turn_id`, `outcome`, `language`, `timings_ms` ({`kiosk.stages.Timing`: ms})
    - turn_error: `turn_id`, `code`, `stage`
    - device_lost / device_ok / model_failed / model_loaded: `component`, `code`, `detail`
    - kb_reloaded: `version`; audio_level: `dbfs`
    - kb_update_failed: `reason` (`kiosk.updates.client.REASONS`), `detail`: a signed update
      was refused or could not be fetched; the serving version is unchanged
    - notice_feed: `result` (updated|unchanged|error), `reason` (an error's label), `notices`,
      `age_seconds` and `confirmed_unix` (since / when the feed's server last returned or
      confirmed the copy held; None before it ever did)
    """

    LISTENING_STARTED = "listening_started"
    SPEECH_STARTED = "speech_started"
    SPEECH_ENDED = "speech_ended"
    TRANSCRIPT = "transcript"
    TRANSCRIPT_REJECTED = "transcript_rejected"
    ANSWER_SENTENCE = "answer_sentence"
    ANSWER_DONE = "answer_done"
    AUDIO_STARTED = "audio_started"
    PLAYBACK_STOPPED = "playback_stopped"
    BARGE_IN = "barge_in"
    TURN_DONE = "turn_done"
    TURN_ERROR = "turn_error"
    DEVICE_LOST = "device_lost"
    DEVICE_OK = "device_ok"
    MODEL_FAILED = "model_failed"
    MODEL_LOADED = "model_loaded"
    OFFER_CHOSEN = "offer_chosen"
    KB_RELOADED = "kb_reloaded"
    KB_UPDATE_FAILED = "kb_update_failed"
    AUDIO_LEVEL = "audio_level"
    NOTICE_FEED = "notice_feed"


@dataclass(frozen=True, slots=True)
class KioskEvent:
    """One thing that happened; `t` is `time.monotonic()` seconds, comparable within a process."""

    type: EventType
    data: Mapping[str, Any] = field(default_factory=dict)
    t: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        # Subscribers share one instance: a read-only copy stops one consumer editing
        # what the next one sees.
        object.__setattr__(self, "type", EventType(self.type))
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))

    @classmethod
    def now(cls, type: EventType | str, **data: Any) -> KioskEvent:
        return cls(EventType(type), data)

    @property
    def turn_id(self) -> str | None:
        value = self.data.get("turn_id")
        return None if value is None else str(value)

    @property
    def public_data(self) -> dict[str, Any]:
        """The data without passenger text: safe for logs, metrics and `/status`."""
        return {k: v for k, v in self.data.items() if k not in PASSENGER_TEXT_KEYS}

    def __hash__(self) -> int:
        return hash((self.type, self.t))


Listener = Callable[[KioskEvent], None]


class Subscription:
    """A bounded queue of events for one asynchronous consumer.

    When the consumer falls behind, the oldest events are dropped (and counted) rather than
    making the publisher wait: a caption from ten seconds ago is worth less than a stalled turn.
    """

    _CLOSED = object()

    def __init__(
        self, bus: EventBus, name: str, maxsize: int, loop: asyncio.AbstractEventLoop
    ) -> None:
        self.name = name
        self.dropped = 0
        self._bus = bus
        self._loop = loop
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize)
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def _offer(self, item: Any) -> None:
        """Put without waiting; runs on the subscriber's loop."""
        if item is self._CLOSED:
            # Wakes a consumer waiting on an empty queue; otherwise it sees `closed` once it
            # has drained what is queued, so closing never costs a delivered event.
            if self._queue.empty():
                self._queue.put_nowait(item)
            return
        if self._closed:
            return
        while True:
            try:
                self._queue.put_nowait(item)
                return
            except asyncio.QueueFull:
                try:
                    self._queue.get_nowait()
                except asyncio.QueueEmpty:  # pragma: no cover - raced with a consumer
                    continue
                self.dropped += 1
                self._bus._count_drop(self.name)

    def deliver(self, event: KioskEvent) -> None:
        """Hand `event` to this subscriber from any thread."""
        if self._closed:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._offer(event)
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._offer, event)

    async def get(self, timeout: float | None = None) -> KioskEvent | None:
        """The next event; None on timeout; raises StopAsyncIteration once closed."""
        if self._closed and self._queue.empty():
            raise StopAsyncIteration
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
        if item is self._CLOSED:
            raise StopAsyncIteration
        return item

    def __aiter__(self) -> AsyncIterator[KioskEvent]:
        return self

    async def __anext__(self) -> KioskEvent:
        while True:
            event = await self.get()
            if event is not None:
                return event

    def close(self) -> None:
        """Stop receiving; a consumer blocked in `get` wakes up with StopAsyncIteration."""
        if self._closed:
            return
        self._closed = True
        self._bus._forget(self)
        if self._loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._offer(self._CLOSED)
        else:
            self._loop.call_soon_threadsafe(self._offer, self._CLOSED)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class EventBus:
    """One publisher side, many consumers: synchronous listeners and async subscriptions.

    Listeners (`add_listener`) run inline in `publish` and must be quick and non-blocking
    (state tracking, counters). Subscriptions (`subscribe`) get their own bounded queue on
    their own event loop. `publish` is safe to call from any thread.
    """

    def __init__(self, *, queue_size: int = 256) -> None:
        self.queue_size = queue_size
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._subscriptions: list[Subscription] = []
        self._drops: dict[str, int] = {}
        self._closed = False

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` for every event; returns a function that removes it."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def subscribe(self, name: str = "subscriber", *, maxsize: int | None = None) -> Subscription:
        """A new queue of future events; call from inside the consumer's event loop."""
        sub = Subscription(self, name, maxsize or self.queue_size, asyncio.get_running_loop())
        with self._lock:
            if self._closed:
                sub._closed = True
                sub._offer(Subscription._CLOSED)
            else:
                self._subscriptions.append(sub)
        return sub

    def publish(self, event: KioskEvent) -> KioskEvent:
        """Deliver to every listener and subscriber; never blocks, never raises."""
        with self._lock:
            listeners = list(self._listeners)
            subscriptions = list(self._subscriptions)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                logger.exception("event listener failed on %s", event.type)
        for sub in subscriptions:
            try:
                sub.deliver(event)
            except Exception:  # pragma: no cover - a closed loop mid-shutdown
                logger.exception("could not deliver %s to %s", event.type, sub.name)
        return event

    def emit(self, type: EventType | str, **data: Any) -> KioskEvent:
        """Build an event stamped now and publish it (the pipeline's one-liner)."""
        return self.publish(KioskEvent.now(type, **data))

    def close(self) -> None:
        """End every subscription (server shutdown); later subscribers end at once."""
        with self._lock:
            self._closed = True
            subscriptions = list(self._subscriptions)
        for sub in subscriptions:
            sub.close()

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscriptions)

    def drops(self) -> dict[str, int]:
        """Events dropped per subscriber name since start (slow consumers)."""
        with self._lock:
            return dict(self._drops)

    def _count_drop(self, name: str) -> None:
        with self._lock:
            self._drops[name] = self._drops.get(name, 0) + 1

    def _forget(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subscriptions:
                self._subscriptions.remove(sub)
