"""The live captions board: what was heard and answered in the current turn, for the screen.

Deaf and hard-of-hearing passengers read the conversation on the kiosk screen. The board folds
turn events into one small snapshot and the captions page renders whole snapshots, so a page
that connects mid-turn, reconnects, or misses events (slow subscriber) still shows the right
text. The board lives in memory only and forgets a finished turn after `hold_seconds`.
"""

from __future__ import annotations

import json
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from kiosk.events import EventBus, EventType, KioskEvent
from kiosk.phase import INITIAL, KioskState, transition

CAPTION_EVENTS = frozenset(
    {
        EventType.LISTENING_STARTED,
        EventType.SPEECH_STARTED,
        EventType.SPEECH_ENDED,
        EventType.TRANSCRIPT,
        EventType.ANSWER_SENTENCE,
        EventType.ANSWER_DONE,
        EventType.AUDIO_STARTED,
        EventType.BARGE_IN,
        EventType.TURN_DONE,
        EventType.TURN_ERROR,
        EventType.DEVICE_LOST,
        EventType.DEVICE_OK,
        EventType.MODEL_FAILED,
        EventType.MODEL_LOADED,
    }
)
"""Events that change what the screen shows."""


def _nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""


@dataclass(frozen=True, slots=True)
class Caption:
    turn_id: str | None = None
    phase: str = "idle"
    language: str = ""
    heard: str = ""
    answer: tuple[str, ...] = ()
    outcome: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    """(station key, name) the kiosk asks about: buttons the passenger may touch."""
    ended_at: float | None = None
    seq: int = 0
    state: KioskState = field(default=INITIAL, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "turn_id": self.turn_id,
            "phase": self.phase,
            "language": self.language,
            "heard": self.heard,
            "answer": list(self.answer),
            "outcome": self.outcome,
            "choices": [{"station": key, "name": name} for key, name in self.choices],
            "done": self.ended_at is not None,
        }


class CaptionBoard:
    """An `EventBus` listener holding the caption snapshot of the current turn."""

    def __init__(self, *, hold_seconds: float = 20.0, clock: Callable[[], float] = time.monotonic):
        self.hold_seconds = hold_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._caption = Caption()

    def observe(self, event: KioskEvent) -> None:
        if event.type not in CAPTION_EVENTS:
            return
        with self._lock:
            self._caption = self._apply(self._caption, event)

    def _apply(self, cap: Caption, event: KioskEvent) -> Caption:
        state = transition(cap.state, event)
        data = event.data
        turn_id = event.turn_id
        new_turn = turn_id is not None and turn_id != cap.turn_id
        kind = event.type
        starts = (EventType.SPEECH_STARTED, EventType.LISTENING_STARTED, EventType.TRANSCRIPT)
        if kind in starts and (new_turn or cap.ended_at is not None):
            cap = Caption(turn_id=turn_id, seq=cap.seq)
        if kind is EventType.TRANSCRIPT:
            cap = replace(cap, heard=_nfc(data.get("transcript")), language=_lang(data, cap))
        elif kind is EventType.ANSWER_SENTENCE and not (new_turn and cap.turn_id):
            sentence = _nfc(data.get("answer"))
            if sentence:
                cap = replace(cap, answer=(*cap.answer, sentence), language=_lang(data, cap))
        elif kind is EventType.ANSWER_DONE and not (new_turn and cap.turn_id):
            full = _nfc(data.get("answer"))
            cap = replace(cap, language=_lang(data, cap), outcome=str(data.get("outcome", "")))
            # The screen shows every sentence, also those the voice left to it.
            listed = data.get("shown")
            shown = tuple(s for s in map(_nfc, listed) if s) if isinstance(listed, list) else ()
            if len(shown) > len(cap.answer):
                cap = replace(cap, answer=shown)
            elif full and not cap.answer:
                cap = replace(cap, answer=(full,))
            cap = replace(cap, choices=_choices(data.get("choices")))
        elif kind in (EventType.TURN_DONE, EventType.TURN_ERROR) and turn_id == cap.turn_id:
            if kind is EventType.TURN_ERROR:
                outcome = "error"
            else:
                outcome = cap.outcome or str(data.get("outcome", ""))
            cap = replace(cap, outcome=outcome, ended_at=self._clock())
        return replace(cap, phase=state.phase.value, state=state, seq=cap.seq + 1)

    def snapshot(self) -> dict[str, Any]:
        """The caption to show now; a turn older than `hold_seconds` shows as idle."""
        with self._lock:
            cap = self._caption
            if cap.ended_at is not None and self._clock() - cap.ended_at > self.hold_seconds:
                cap = Caption(phase=cap.state.phase.value, seq=cap.seq, state=cap.state)
        return cap.as_dict()


def _choices(raw: object) -> tuple[tuple[str, str], ...]:
    """At most three (station, name) pairs, as the pipeline sent them."""
    if not isinstance(raw, list):
        return ()
    pairs = [(_nfc(c.get("station")), _nfc(c.get("name"))) for c in raw if isinstance(c, dict)]
    return tuple((key, name) for key, name in pairs if key and name)[:3]


def choice_offered(snapshot: dict[str, Any], station: str) -> bool:
    """Whether the screen now shows `station` as a button (a touch for anything else is stale)."""
    return any(c["station"] == station for c in snapshot.get("choices", []))


def _lang(data: Any, cap: Caption) -> str:
    lang = data.get("language")
    return str(lang) if isinstance(lang, str) and len(lang) <= 8 else cap.language


def sse_message(payload: dict[str, Any], *, event: str = "caption", id: int | None = None) -> str:
    """One Server-Sent Events message (JSON data on one line, so no framing issues)."""
    lines = [f"event: {event}"]
    if id is not None:
        lines.append(f"id: {id}")
    lines.append("data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


class Choice(BaseModel):
    """A station button touched on the captions page."""

    station: str = Field(min_length=1, max_length=64)


def add_choice_route(app: FastAPI, bus: EventBus, board: CaptionBoard) -> None:
    """POST /choose: the passenger touched one of the stations a "Did you mean …?" shows; the
    daemon answers as if it had been said. Only a station on the screen now is taken."""

    @app.post("/choose", status_code=202, tags=["captions"], summary="A touched station button")
    async def choose(choice: Choice) -> dict[str, str]:
        if not choice_offered(board.snapshot(), choice.station):
            raise HTTPException(409, {"code": "choice-not-offered"})
        bus.emit(EventType.OFFER_CHOSEN, station=choice.station)
        return {"station": choice.station}
