"""Fault injectors: engines that fail, hang or block, wrapped around the real ones.

Each records what it received, and fails only while `failing` is set, so a test can show the
turn that met the fault ended cleanly and the next one worked.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from kiosk.daemon import DaemonConfig, KioskDaemon
from kiosk.events import EventBus, KioskEvent
from kiosk.hardware import profile_for, segmenter_config
from kiosk.pipeline import TurnPipeline
from tests.kit.events import Recorder
from voice.audio import AudioChunk
from voice.errors import SttError, TtsError
from voice.stt import Transcript

QUESTION = "Where is the elevator?"


def heard(text: str = QUESTION, lang: str = "en", seconds: float = 2.0) -> Transcript:
    return Transcript(text, lang, 0.99, -0.2, 0.01, seconds)


@dataclass
class FaultyTranscriber:
    """Hears every utterance as `text` at once, except while `failing`: then it raises
    (mode "raise"), never returns (mode "hang"), or blocks the event loop (mode "block")."""

    mode: str = "raise"
    text: str = QUESTION
    failing: bool = True
    block_s: float = 1.0
    received: list[int] = field(default_factory=list)

    async def transcribe_async(
        self, audio: bytes, language: str | None = None, names: list[str] | None = None
    ) -> Transcript:
        self.received.append(len(audio))
        if self.failing:
            if self.mode == "raise":
                raise SttError("stt-failed", "whisper failed: injected decoder fault")
            if self.mode == "hang":
                await asyncio.Event().wait()  # a decode that never comes back
            if self.mode == "block":
                time.sleep(self.block_s)  # the classic mistake: blocking work on the loop
        return heard(self.text)


@dataclass
class FaultySpeaker:
    """The real speaker, except while `failing`: raises mid-sentence or hangs after one chunk."""

    real: Any
    mode: str = "raise"
    failing: bool = True
    texts: list[str] = field(default_factory=list)

    async def stream(self, text: str, lang: str, rate: float = 1.0) -> AsyncIterator[AudioChunk]:
        self.texts.append(text)
        first = True
        async for chunk in self.real.stream(text, lang, rate):
            if self.failing and not first:
                break
            yield chunk
            first = False
        if self.failing:
            if self.mode == "raise":
                raise TtsError("tts-failed", "piper failed: injected synthesis fault")
            await asyncio.Event().wait()


class RaisingGenerator:
    """A `TokenGenerator` (LLM) that starts an answer, then dies (out of memory, a bad GGUF)."""

    def __init__(self, after_pieces: int = 2) -> None:
        self.after = after_pieces
        self.calls = 0

    def stream(self, system: str, user: str, max_tokens: int) -> Iterator[str]:
        self.calls += 1
        yield from ["The", " elevator"][: self.after]
        raise RuntimeError("llama_decode returned -3 (injected)")


def make_daemon(
    settings: Any, runner: TurnPipeline, apologies: Any, bus: EventBus | None = None, **config: Any
) -> tuple[KioskDaemon, EventBus, Recorder]:
    bus = bus or EventBus()
    daemon = KioskDaemon(
        runner,
        bus,
        vad=segmenter_config(profile_for(settings).vad),
        apologies=apologies,
        config=DaemonConfig(realtime_playback=False, **config),
        station=settings.station.name,
        default_language="en",
    )
    return daemon, bus, Recorder(bus)


def recover_after_first_error(
    bus: EventBus, *faulty: Any, daemon: KioskDaemon | None = None
) -> None:
    """Clear the fault once the first turn has ended in an error (the fault was met); with
    `daemon`, also lift its short test budget, so the healthy turn is not timed on a busy CI box.
    """

    def listener(event: KioskEvent) -> None:
        if event.type == "turn_error":
            for f in faulty:
                f.failing = False
            if daemon is not None:
                daemon.config = dataclasses.replace(daemon.config, turn_budget_s=60.0)

    bus.add_listener(listener)


def native_threads() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("Threads:"))


def wait_for_threads(limit: int, timeout: float = 5.0) -> int:
    deadline = time.monotonic() + timeout
    while (n := threading.active_count()) > limit and time.monotonic() < deadline:
        time.sleep(0.05)
    return n
