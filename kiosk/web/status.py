"""What `/status` reports, folded from the event stream: state, recent turns, versions.

Only whitelisted, non-textual fields of each event are kept (ids, outcome, language, timings,
error codes), so `/status` cannot leak what a passenger said even if a future event carries
more data.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.events import EventType, KioskEvent
from kiosk.phase import INITIAL, KioskState, transition
from kiosk.stages import REPORTED


class StateTracker:
    """The current `KioskState` and when it was entered; an `EventBus` listener."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state = INITIAL
        self._since = clock()
        self.kb_version: int | None = None

    def observe(self, event: KioskEvent) -> None:
        with self._lock:
            new = transition(self._state, event)
            if new.phase is not self._state.phase:
                self._since = self._clock()
            self._state = new
            if event.type is EventType.KB_RELOADED:
                version = event.data.get("version")
                if isinstance(version, int) and not isinstance(version, bool):
                    self.kb_version = version

    @property
    def state(self) -> KioskState:
        with self._lock:
            return self._state

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            state, since = self._state, self._since
        return {
            "phase": state.phase.value,
            "since": round(since, 3),
            "faults": sorted(state.faults),
        }


class TurnHistory:
    """The last `size` finished turns: outcome, language, timings, error code; no text."""

    def __init__(self, size: int = 20, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._turns: deque[dict[str, Any]] = deque(maxlen=size)
        self._barge_ins: set[str] = set()

    def observe(self, event: KioskEvent) -> None:
        if event.type is EventType.BARGE_IN and event.turn_id:
            with self._lock:
                self._barge_ins.add(event.turn_id)
                if len(self._barge_ins) > 100:
                    self._barge_ins.clear()
            return
        if event.type not in (EventType.TURN_DONE, EventType.TURN_ERROR):
            return
        data = event.data
        entry: dict[str, Any] = {
            "turn_id": _short(event.turn_id),
            "ended_at": round(self._clock(), 3),
            "outcome": "error"
            if event.type is EventType.TURN_ERROR
            else _short(data.get("outcome")),
            "language": _short(data.get("language")),
            "timings_ms": _timings(data.get("timings_ms")),
        }
        if event.type is EventType.TURN_ERROR:
            entry["code"] = _short(data.get("code"))
            entry["stage"] = _short(data.get("stage"))
        with self._lock:
            if event.turn_id and event.turn_id in self._barge_ins:
                self._barge_ins.discard(event.turn_id)
                entry["barge_in"] = True
            self._turns.append(entry)

    def recent(self) -> list[dict[str, Any]]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._turns))


def _short(value: object) -> str | None:
    """Identifiers and codes only: anything long or spaced is not an identifier."""
    if value is None:
        return None
    text = str(value)
    if len(text) > 48 or any(ch.isspace() for ch in text):
        return "?"
    return text


def _timings(value: object) -> dict[str, float]:
    if not isinstance(value, Mapping):
        return {}
    return {
        stage: round(float(value[stage]), 1)
        for stage in REPORTED
        if isinstance(value.get(stage), int | float) and not isinstance(value.get(stage), bool)
    }
