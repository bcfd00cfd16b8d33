"""Fakes that record what they received: a scripted (optionally slow or stuck) answerer and
a microphone/speaker pair that simulates a kiosk enclosure (the microphone hears the speaker)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from knowledge.answers.types import Answer, Context, Outcome
from voice.audio import SAMPLE_RATE, AudioChunk, MemorySink, resample


class _Stream:
    def __init__(self, owner: ScriptedAnswerer, question: str, sentences: list[str]) -> None:
        self.language: str | None = owner.language
        self.speech_rate = 1.0
        self.answer: Answer | None = None
        self._owner = owner
        self._question = question
        self._sentences = sentences

    def __iter__(self) -> Iterator[str]:
        owner = self._owner
        for index, sentence in enumerate(self._sentences):
            if owner.stuck is not None and owner.calls == 1:
                owner.stuck.wait(30)  # a wedged model call: never returns within the budget
            if index:
                time.sleep(owner.delay_s)  # a slow LLM writing the next sentence
            yield sentence
        self.answer = Answer(
            self._question,
            owner.language,
            Outcome.ANSWERED,
            " ".join(self._sentences),
            list(self._sentences),
        )
        owner.finished_at.append(time.monotonic())


@dataclass
class ScriptedAnswerer:
    """`StreamingAnswerer` returning scripted replies in order (the last one repeats)."""

    replies: list[list[str]]
    language: str = "en"
    delay_s: float = 0.0
    stuck: threading.Event | None = None
    """When set, the first call blocks until this event (the stuck-stage test)."""
    received: list[str] = field(default_factory=list)
    contexts: list[Context | None] = field(default_factory=list)
    finished_at: list[float] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return len(self.received)

    def stream(self, question: str, *, station, lang, stt_language, context) -> _Stream:
        self.received.append(question)
        self.contexts.append(context)
        reply = self.replies[min(len(self.received), len(self.replies)) - 1]
        return _Stream(self, question, reply)

    def answer(self, question: str, **kwargs) -> Answer:  # pragma: no cover - protocol only
        stream = self.stream(question, **kwargs)
        for _ in stream:
            pass
        assert stream.answer is not None
        return stream.answer


class RoomSink(MemorySink):
    """A real-time `MemorySink` that also remembers when each block was heard (loop time)."""

    def __init__(self) -> None:
        super().__init__(realtime=True)
        self.blocks: list[tuple[float, np.ndarray]] = []

    async def play(self, chunk: AudioChunk) -> None:
        samples = chunk.array
        if chunk.rate != SAMPLE_RATE:
            samples = resample(samples, chunk.rate, SAMPLE_RATE)
        self.blocks.append((asyncio.get_running_loop().time(), samples))
        await super().play(AudioChunk(samples))

    def heard_between(self, start: float, end: float) -> np.ndarray:
        """What the speaker emitted in [start, end), as 16 kHz samples (zeros where silent)."""
        n = max(0, round((end - start) * SAMPLE_RATE))
        out = np.zeros(n, dtype=np.float64)
        for t, samples in reversed(self.blocks):
            if t + len(samples) / SAMPLE_RATE <= start:
                break
            offset = round((t - start) * SAMPLE_RATE)
            lo, hi = max(0, offset), min(n, offset + len(samples))
            if lo < hi:
                out[lo:hi] = samples[lo - offset : hi - offset]
        return out

    def last_audible_end(self, threshold: int = 300) -> float | None:
        """Loop time at which the last block holding sound finished playing."""
        for t, samples in reversed(self.blocks):
            if len(samples) and int(np.max(np.abs(samples.astype(np.int32)))) > threshold:
                return t + len(samples) / SAMPLE_RATE
        return None


class RoomSource:
    """The microphone of a kiosk: a scripted recording, fed in real time, plus the speaker's
    output (`sink`) coming back at `echo_gain` after `echo_delay_s` (no echo canceller).

    `insert` is mixed in `insert_after_s` after the speaker first makes a sound (a passenger
    talking over the reply, a cough), whatever the models' speed on this machine; the input
    then ends `tail_s` after the insert (or after `max_s` if the kiosk never speaks).
    """

    def __init__(
        self,
        script: np.ndarray,
        sink: RoomSink,
        *,
        echo_gain: float = 0.5,
        echo_delay_s: float = 0.03,
        chunk_ms: int = 30,
        insert: np.ndarray | None = None,
        insert_after_s: float = 1.5,
        tail_s: float = 1.5,
        max_s: float = 30.0,
    ) -> None:
        self.script = script.astype(np.int16)
        self.sink = sink
        self.echo_gain = echo_gain
        self.echo_delay_s = echo_delay_s
        self.chunk_ms = chunk_ms
        self.insert = insert
        self.insert_after_s = insert_after_s
        self.tail_s = tail_s
        self.max_s = max_s
        self.started_at: float | None = None
        self.inserted_at: int | None = None
        """Microphone sample index where `insert` begins."""
        self._closed = False

    def wall_time(self, sample_index: int) -> float:
        """Loop time at which microphone sample `sample_index` was captured."""
        assert self.started_at is not None
        return self.started_at + sample_index / SAMPLE_RATE

    def _end(self) -> int:
        if self.insert is None:
            return len(self.script)
        if self.inserted_at is None:
            return round(self.max_s * SAMPLE_RATE)
        return self.inserted_at + len(self.insert) + round(self.tail_s * SAMPLE_RATE)

    def _script_part(self, offset: int, n: int) -> np.ndarray:
        part = np.zeros(n, dtype=np.float64)
        if offset < len(self.script):
            seg = self.script[offset : offset + n]
            part[: len(seg)] = seg
        if self.insert is not None and self.inserted_at is None and self.sink.blocks:
            first = self.sink.blocks[0][0]
            self.inserted_at = round((first - self.started_at + self.insert_after_s) * SAMPLE_RATE)  # type: ignore[operator]
        if self.inserted_at is not None and self.insert is not None:
            lo = max(offset, self.inserted_at)
            hi = min(offset + n, self.inserted_at + len(self.insert))
            if lo < hi:
                part[lo - offset : hi - offset] += self.insert[
                    lo - self.inserted_at : hi - self.inserted_at
                ]
        return part

    async def chunks(self):
        loop = asyncio.get_running_loop()
        step = SAMPLE_RATE * self.chunk_ms // 1000
        self.started_at = loop.time()
        i = 0
        while not self._closed and i * step < self._end():
            offset = i * step
            due = self.started_at + (i + 1) * self.chunk_ms / 1000  # the chunk is complete
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            part = self._script_part(offset, step)
            if self.echo_gain:
                start = self.started_at + offset / SAMPLE_RATE - self.echo_delay_s
                echo = self.sink.heard_between(start, start + step / SAMPLE_RATE)
                part = part + self.echo_gain * echo[:step]
            samples = np.clip(np.round(part), -32768, 32767).astype(np.int16)
            yield AudioChunk(samples, timestamp_ms=i * self.chunk_ms)
            i += 1

    async def close(self) -> None:
        self._closed = True


def onset(samples: np.ndarray, threshold: int = 500) -> int:
    """Index of the first sample louder than `threshold` (where speech starts)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    return int(loud[0]) if len(loud) else 0
