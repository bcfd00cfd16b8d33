"""A turn in flight, as the daemon supervises it: from the passenger's first speech frame to
the turn's last event; and `TurnResult`, what a finished turn produced.

The daemon keeps one `TurnInFlight` per turn: its id (tagged on every event), the `Stage` it
has reached (named by `turn_error` if it fails), the passenger's language (for the apology),
and the last time it made progress, which is what the turn budget (`within_budget`) watches:
a long answer spoken sentence by sentence keeps making progress, a wedged model call does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from kiosk.events import EventType
from kiosk.stages import Stage
from knowledge.answers.types import Offer
from voice.stt import Transcript

T = TypeVar("T")


@dataclass(slots=True)
class TurnInFlight:
    """One passenger turn the daemon is handling; times are event-loop times (seconds)."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    stage: Stage = Stage.VAD
    language: str | None = None
    endpoint_at: float = 0.0
    """When the endpoint was found (the utterance is complete)."""
    hangover_ms: float = 0.0
    """The VAD hangover: the passenger's speech ended this long before the endpoint."""
    audio_started: bool = False
    """The passenger has started hearing a reply (an answer or an apology)."""
    progress_at: float = 0.0
    """The turn's last progress (see `kiosk.daemon.DaemonConfig.turn_budget_s`)."""
    speculation: asyncio.Task[Transcript] | None = None
    """Recognition started at the first silence frame, for the audio up to `speculation_end_ms`."""
    speculation_end_ms: int = -1
    task: asyncio.Task[None] | None = None
    interrupted: bool = False
    """Ended by a barge-in rather than by itself."""
    chosen: Offer | None = None
    """A station touched on the screen after "Did you mean …?": answered without listening."""

    def track(self, kind: EventType, data: Mapping[str, Any], now: float) -> None:
        """Follow one of the pipeline's events: progress for the budget, the stage reached and
        the language heard (for `turn_error` and the apology)."""
        self.progress_at = now
        if kind is EventType.TRANSCRIPT:
            self.language, self.stage = data.get("language"), Stage.ANSWER
        elif kind is EventType.ANSWER_SENTENCE:
            self.language, self.stage = data.get("language") or self.language, Stage.TTS
        elif kind is EventType.AUDIO_STARTED:
            self.audio_started = True

    def cancel_speculation(self) -> None:
        if self.speculation is not None:
            self.speculation.cancel()
            self.speculation = None


async def within_budget(turn: TurnInFlight, work: Awaitable[T], budget_s: float) -> T:
    """Await `work`, cancelling it (TimeoutError) once `turn` has made no progress for
    `budget_s`."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    turn.progress_at = loop.time()
    try:
        while True:
            remaining = turn.progress_at + budget_s - loop.time()
            if remaining <= 0:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                raise TimeoutError
            done, _ = await asyncio.wait({task}, timeout=remaining)
            if done:
                return task.result()
    except asyncio.CancelledError:
        task.cancel()
        raise


class TurnRecorder(Protocol):
    def record(self, audio: bytes | None, result: TurnResult) -> None: ...


Publish = Callable[[EventType, dict[str, Any]], None]
"""Event callback: (event type, data). Passenger words only under 'transcript' and 'answer'."""


@dataclass(slots=True)
class TurnResult:
    """What one turn produced; `timings_ms` (keys: `kiosk.stages.Timing`) are measured from
    the endpoint of the utterance."""

    transcript: str
    language: str
    outcome: str
    answer: str
    sources: list[dict[str, str]] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    rejected_reason: str | None = None
    speech_rate: float = 1.0
    cancelled: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "transcript": self.transcript,
            "language": self.language,
            "outcome": self.outcome,
            "answer": self.answer,
            "sources": self.sources,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
